import { useState } from 'react';
import { api } from '../../api/client';
import type { Role, TokenWithSecret } from '../../api/types';
import { RoleCheckboxes } from '../../components/RoleCheckboxes';
import { ErrorMessage, Loading } from '../../components/Status';
import { endOfDayIso, todayInputValue } from '../../format';
import { useSession } from '../../session';

/** Roles that only users hold; a token can never carry them. */
const USER_ONLY_ROLES = ['dashboard', 'org:admin'];

export function TokenForm({ roles, rolesError, rolesLoading, onCreated }: { roles: Role[] | undefined; rolesError: unknown; rolesLoading: boolean; onCreated: (token: TokenWithSecret) => void }) {
  const { org } = useSession();
  const [name, setName] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [expires, setExpires] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const tokenRoles = (roles ?? []).filter((r) => (r.forTokens ?? true) && !USER_ONLY_ROLES.includes(r.name));

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    if (!name.trim()) return setError(new Error('Give the token a name.'));
    if (selected.length === 0) return setError(new Error('Choose at least one role.'));
    if (expires && expires < todayInputValue()) return setError(new Error('The expiry date is in the past.'));
    setBusy(true);
    try {
      const created = await api.createToken(org, { name: name.trim(), roles: selected, ...(expires ? { expiresAt: endOfDayIso(expires) } : {}) });
      setName('');
      setSelected([]);
      setExpires('');
      onCreated(created);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="create-token-h" noValidate>
      <h2 id="create-token-h">Create a token</h2>
      <div className="field">
        <label htmlFor="token-name">Token name</label>
        <input id="token-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder="e.g. ci-upload" required />
      </div>
      {rolesLoading && <Loading label="Loading roles…" />}
      <ErrorMessage error={rolesError} title="Could not load roles" />
      {roles && <RoleCheckboxes legend="Roles" roles={tokenRoles} selected={selected} onChange={setSelected} disabled={busy} />}
      <p className="hint">
        A token can hold <code>api</code> and <code>feed</code> plus any role you hold yourself. In package mode only the package roles
        (<code>type:name:read</code>/<code>:write</code>) grant access to that package.
      </p>
      <div className="field">
        <label htmlFor="token-expires">Expires on (optional)</label>
        <input id="token-expires" type="date" min={todayInputValue()} value={expires} onChange={(e) => setExpires(e.target.value)} aria-describedby="token-expires-hint" />
        <span id="token-expires-hint" className="hint">
          Leave empty for the default of one year. The token stops working at the end of the chosen day.
        </span>
      </div>
      <ErrorMessage error={error} title="Could not create the token" />
      <button type="submit" disabled={busy}>
        {busy ? 'Creating…' : 'Create token'}
      </button>
    </form>
  );
}
