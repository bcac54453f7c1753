import { useState } from 'react';
import { api } from '../../api/client';
import type { Role } from '../../api/types';
import { RoleCheckboxes } from '../../components/RoleCheckboxes';
import { ErrorMessage } from '../../components/Status';

const DEFAULT_MEMBER_ROLES = ['dashboard', 'pypi:write', 'docker:write'];

/** Add an existing user to the org, or (installation admins) create the user first. */
export function AddMemberForm({ org, roles, canCreateUsers, onAdded }: { org: string; roles: Role[]; canCreateUsers: boolean; onAdded: (username: string) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [selected, setSelected] = useState<string[]>(DEFAULT_MEMBER_ROLES);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const name = username.trim();
    setError(null);
    if (!name) return setError(new Error('Enter a username.'));
    setBusy(true);
    try {
      if (canCreateUsers && password) await api.createUser(name, password);
      await api.setMember(org, name, selected);
      setUsername('');
      setPassword('');
      setSelected(DEFAULT_MEMBER_ROLES);
      onAdded(name);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="add-member-h" noValidate>
      <h2 id="add-member-h">Add a member</h2>
      <div className="field">
        <label htmlFor="member-username">Username</label>
        <input id="member-username" autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} />
      </div>
      {canCreateUsers && (
        <div className="field">
          <label htmlFor="member-password">Password for a new user (optional)</label>
          <input id="member-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby="member-password-hint" />
          <span id="member-password-hint" className="hint">
            Fill in to create the user account first; leave empty to add an existing user.
          </span>
        </div>
      )}
      <RoleCheckboxes legend="Roles" roles={roles} selected={selected} onChange={setSelected} disabled={busy} />
      <ErrorMessage error={error} title="Could not add the member" />
      <button type="submit" disabled={busy}>
        {busy ? 'Adding…' : canCreateUsers && password ? 'Create user and add' : 'Add member'}
      </button>
    </form>
  );
}
