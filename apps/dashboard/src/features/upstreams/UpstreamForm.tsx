import { useId, useState } from 'react';
import { ErrorMessage } from '../../components/Status';
import { SUGGESTED_URLS, upstreamsApi, type Upstream, type UpstreamInput, type UpstreamType } from './api';

const TYPE_LABELS: Record<UpstreamType, string> = { pypi: 'Python (simple index)', npm: 'npm registry', docker: 'Docker registry' };

/** Adds or edits the upstream of one format. Stored credentials are never shown: they are kept unless replaced or cleared. */
export function UpstreamForm({ org, type, existing, onSaved, onCancel }: { org: string; type: UpstreamType; existing?: Upstream; onSaved: (saved: Upstream) => void; onCancel?: () => void }) {
  const id = useId();
  const [url, setUrl] = useState(existing?.url ?? SUGGESTED_URLS[type]);
  const [reserved, setReserved] = useState((existing?.reserved ?? []).join(', '));
  const [ttl, setTtl] = useState(String(existing?.metadataTtlSeconds ?? 300));
  const [prefix, setPrefix] = useState(existing?.prefix ?? (type === 'docker' ? 'hub' : ''));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [clearCredentials, setClearCredentials] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const input: UpstreamInput = {
      url: url.trim(),
      reserved: reserved
        .split(/[\s,]+/)
        .map((pattern) => pattern.trim())
        .filter(Boolean),
      metadataTtlSeconds: Number(ttl),
      ...(type === 'docker' ? { prefix: prefix.trim() } : {}),
      ...(username || password ? { username, password } : clearCredentials ? { clearCredentials: true } : {}),
    };
    try {
      const saved = await upstreamsApi.put(org, type, input);
      setPassword('');
      onSaved(saved);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card form" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>
        {existing ? 'Edit' : 'Add'} {TYPE_LABELS[type]} upstream
      </h2>
      <label htmlFor={`${id}-url`}>URL</label>
      <input id={`${id}-url`} type="url" required value={url} onChange={(e) => setUrl(e.target.value)} />
      <label htmlFor={`${id}-reserved`}>Reserved names</label>
      <input id={`${id}-reserved`} value={reserved} placeholder={type === 'npm' ? '@acme/*, acme-*' : 'acme-*'} onChange={(e) => setReserved(e.target.value)} aria-describedby={`${id}-reserved-hint`} />
      <p className="hint" id={`${id}-reserved-hint`}>
        Comma-separated patterns (* matches anything). Matching names are never fetched from the upstream, even before you publish them.
      </p>
      <label htmlFor={`${id}-ttl`}>Metadata cache (seconds)</label>
      <input id={`${id}-ttl`} type="number" min={0} max={604800} required value={ttl} onChange={(e) => setTtl(e.target.value)} />
      {type === 'docker' && (
        <>
          <label htmlFor={`${id}-prefix`}>Path prefix</label>
          <input id={`${id}-prefix`} required value={prefix} onChange={(e) => setPrefix(e.target.value)} />
        </>
      )}
      <fieldset>
        <legend>Upstream credentials (optional)</legend>
        {existing?.hasCredentials && <p className="hint">Credentials are stored (encrypted; never shown). Leave both fields empty to keep them.</p>}
        <label htmlFor={`${id}-user`}>Username</label>
        <input id={`${id}-user`} autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} />
        <label htmlFor={`${id}-password`}>Password or token</label>
        <input id={`${id}-password`} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        {existing?.hasCredentials && (
          <label className="checkbox">
            <input type="checkbox" checked={clearCredentials} onChange={(e) => setClearCredentials(e.target.checked)} /> Remove the stored credentials
          </label>
        )}
      </fieldset>
      <ErrorMessage error={error} title="Could not save" />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save upstream'}
        </button>
        {onCancel && (
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
