import { useEffect, useId, useState } from 'react';

async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall through to the legacy path */
  }
  try {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand?.('copy') ?? false;
    area.remove();
    return ok;
  } catch {
    return false;
  }
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <span className="copy">
      <button type="button" className="secondary" onClick={async () => setState((await copyText(text)) ? 'copied' : 'failed')}>
        {label}
      </button>
      <span className="copy-status" role="status" aria-live="polite">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed — select the text and copy it manually' : ''}
      </span>
    </span>
  );
}

/** A labelled, read-only snippet with a copy button. */
export function CodeSnippet({ label, code, hint }: { label: string; code: string; hint?: string }) {
  const id = useId();
  return (
    <div className="snippet">
      <div className="snippet-head">
        <span id={id} className="snippet-label">
          {label}
        </span>
        <CopyButton text={code} label={`Copy ${label}`} />
      </div>
      {hint && <p className="hint">{hint}</p>}
      <pre aria-labelledby={id} tabIndex={0}>
        <code>{code}</code>
      </pre>
    </div>
  );
}
