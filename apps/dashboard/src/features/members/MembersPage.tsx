import { useState } from 'react';
import { api } from '../../api/client';
import type { Member } from '../../api/types';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { RoleCheckboxes } from '../../components/RoleCheckboxes';
import { EmptyState, ErrorMessage, Loading, TableScroll } from '../../components/Status';
import { useAsync } from '../../components/useAsync';
import { useSession } from '../../session';
import { AddMemberForm } from './AddMemberForm';

/** Roles only tokens carry; memberships never hold them. */
export const TOKEN_ONLY_ROLES = ['api', 'feed'];

export function MembersPage() {
  const { org, isOrgAdmin, me } = useSession();
  const members = useAsync(() => api.members(org), [org]);
  const roles = useAsync(() => api.roles(org), [org]);
  const memberRoles = (roles.data ?? []).filter((r) => (r.forUsers ?? true) && !TOKEN_ONLY_ROLES.includes(r.name));
  const [editing, setEditing] = useState<{ username: string; roles: string[] } | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');

  async function run(action: () => Promise<unknown>, done: string) {
    setBusy(true);
    setError(null);
    try {
      await action();
      setNotice(done);
      setEditing(null);
      setRemoving(null);
      members.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (!isOrgAdmin) {
    return (
      <div className="page">
        <h1>Members</h1>
        <ErrorMessage error={new Error('Only organization admins (role org:admin) can manage members.')} title="Not allowed" />
      </div>
    );
  }

  return (
    <div className="page">
      <h1>Members and roles</h1>
      <div className="grid-2">
        <AddMemberForm org={org} roles={memberRoles} canCreateUsers={me.isAdmin} onAdded={(name) => (setNotice(`${name} is now a member of ${org}.`), members.reload())} />
        <section className="card" aria-labelledby="members-h">
          <h2 id="members-h">Members of {org}</h2>
          {notice && (
            <p className="alert alert-info" role="status">
              {notice}
            </p>
          )}
          {members.loading && !members.data && <Loading label="Loading members…" />}
          <ErrorMessage error={members.error} title="Could not load members" />
          {members.data && members.data.length === 0 && <EmptyState title="No members yet." />}
          {editing && (
            <form
              className="confirm"
              aria-label={`Roles of ${editing.username}`}
              onSubmit={(e) => {
                e.preventDefault();
                void run(() => api.setMember(org, editing.username, editing.roles), `Roles of ${editing.username} saved.`);
              }}
            >
              <RoleCheckboxes legend={`Roles of ${editing.username}`} roles={memberRoles} selected={editing.roles} onChange={(r) => setEditing({ ...editing, roles: r })} disabled={busy} />
              <ErrorMessage error={error} title="Could not save" />
              <div className="actions">
                <button type="submit" disabled={busy}>
                  Save roles
                </button>
                <button type="button" className="secondary" onClick={() => (setEditing(null), setError(null))}>
                  Cancel
                </button>
              </div>
            </form>
          )}
          {removing && (
            <ConfirmPanel title={`Remove ${removing.username} from ${org}?`} confirmLabel="Remove member" danger busy={busy} onConfirm={() => run(() => api.removeMember(org, removing.username), `${removing.username} removed.`)} onCancel={() => (setRemoving(null), setError(null))}>
              <p>They lose every role in this organization; their tokens for it stop working.</p>
              <ErrorMessage error={error} title="Could not remove" />
            </ConfirmPanel>
          )}
          {members.data && members.data.length > 0 && (
            <TableScroll label="Members">
              <table>
                <thead>
                  <tr>
                    <th scope="col">User</th>
                    <th scope="col">Roles</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {members.data.map((m) => (
                    <tr key={m.username}>
                      <th scope="row">
                        {m.username} {m.isAdmin && <span className="badge">installation admin</span>}
                      </th>
                      <td>
                        <ul className="chips" aria-label={`Roles of ${m.username}`}>
                          {m.roles.map((r) => (
                            <li key={r} className="chip">
                              {r}
                            </li>
                          ))}
                        </ul>
                      </td>
                      <td>
                        <div className="row-actions">
                          <button type="button" className="secondary" onClick={() => (setRemoving(null), setError(null), setEditing({ username: m.username, roles: [...m.roles] }))} aria-label={`Edit roles of ${m.username}`}>
                            Edit roles
                          </button>
                          <button type="button" className="danger-outline" onClick={() => (setEditing(null), setError(null), setRemoving(m))} aria-label={`Remove ${m.username}`}>
                            Remove
                          </button>
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </section>
      </div>
    </div>
  );
}
