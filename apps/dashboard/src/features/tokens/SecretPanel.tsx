import { useEffect, useId, useRef } from 'react';
import type { TokenWithSecret } from '../../api/types';
import { CodeSnippet, CopyButton } from '../../components/Copy';
import { publicUrlOf, useSession } from '../../session';
import { clientSnippets } from './snippets';

/** The one and only display of a token secret (after create or rotate). */
export function SecretPanel({ token, rotated, onDone }: { token: TokenWithSecret; rotated: boolean; onDone: () => void }) {
  const { org, info, me } = useSession();
  const heading = useRef<HTMLHeadingElement>(null);
  const inputId = useId();
  useEffect(() => heading.current?.focus(), [token.token]);
  const snippets = clientSnippets({ publicUrl: publicUrlOf(info), org, username: token.username || me.username, roles: token.roles });

  return (
    <section className="card secret" aria-labelledby={`${inputId}-h`}>
      <h2 id={`${inputId}-h`} ref={heading} tabIndex={-1}>
        {rotated ? `New secret for token “${token.name}”` : `Token “${token.name}” created`}
      </h2>
      <p className="alert alert-warning" role="note">
        <strong>Copy this secret now.</strong> It is shown only once and cannot be retrieved later
        {rotated ? '; the previous secret has stopped working' : ''}. Treat it like a password.
      </p>
      <div className="field">
        <label htmlFor={inputId}>Token secret</label>
        <div className="inline">
          <input id={inputId} className="mono" readOnly value={token.token} onFocus={(e) => e.currentTarget.select()} spellCheck={false} />
          <CopyButton text={token.token} label="Copy secret" />
        </div>
      </div>
      <details className="snippets" open>
        <summary>Client configuration</summary>
        {snippets.map((s) => (
          <CodeSnippet key={s.label} label={s.label} code={s.code} hint={s.hint} />
        ))}
      </details>
      <button type="button" onClick={onDone}>
        I have saved the secret
      </button>
    </section>
  );
}
