import { useState } from 'react';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ErrorMessage, Loading, TableScroll } from '../../components/Status';
import { useAsync } from '../../components/useAsync';
import { useSession } from '../../session';
import { upstreamsApi, type Upstream, type UpstreamType } from './api';
import { UpstreamForm } from './UpstreamForm';

const TYPES: UpstreamType[] = ['pypi', 'npm', 'docker'];

/** Org admins: the upstream registry behind each format, its reserved names, and anonymous reads of proxied content. */
export function UpstreamsPage() {
  const { org, isOrgAdmin } = useSession();
  const upstreams = useAsync(() => (isOrgAdmin ? upstreamsApi.list(org) : Promise.resolve([])), [org, isOrgAdmin]);
  const policy = useAsync(() => (isOrgAdmin ? upstreamsApi.policy(org) : Promise.resolve({ anonymousReads: false })), [org, isOrgAdmin]);
  const [editing, setEditing] = useState<UpstreamType | null>(null);
  const [removing, setRemoving] = useState<Upstream | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');

  if (!isOrgAdmin) {
    return (
      <div className="page">
        <h1>Upstreams</h1>
        <ErrorMessage error={new Error('Only organization admins (role org:admin) can manage upstreams.')} title="Not allowed" />
      </div>
    );
  }

  const byType = new Map((upstreams.data ?? []).map((u) => [u.type as UpstreamType, u]));
  const missing = TYPES.filter((type) => !byType.has(type));

  async function remove(upstream: Upstream) {
    setBusy(true);
    setError(null);
    try {
      await upstreamsApi.remove(org, upstream.type as UpstreamType);
      setNotice(`The ${upstream.type} upstream was removed. Packages already cached stay until you delete them.`);
      setRemoving(null);
      upstreams.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function toggleAnonymous(anonymousReads: boolean) {
    setError(null);
    try {
      await upstreamsApi.setPolicy(org, anonymousReads);
      setNotice(anonymousReads ? 'Proxied packages are now readable without credentials.' : 'Proxied packages need the format’s read role again.');
      policy.reload();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div className="page">
      <h1>Upstreams</h1>
      <p className="muted">
        Names your organization has not published are fetched from the upstream registry of their format and cached here, so one URL serves private
        and public packages. A name you publish is never looked up upstream, and reserved names are never fetched at all.
      </p>
      {notice && (
        <p className="alert alert-info" role="status">
          {notice}
        </p>
      )}
      <ErrorMessage error={error} title="Could not save" />
      <section className="card" aria-labelledby="upstreams-h">
        <h2 id="upstreams-h">Upstreams of {org}</h2>
        {upstreams.loading && !upstreams.data && <Loading label="Loading upstreams…" />}
        <ErrorMessage error={upstreams.error} title="Could not load upstreams" />
        {upstreams.data && upstreams.data.length === 0 && <p>No upstreams yet: only published packages are served.</p>}
        {removing && (
          <ConfirmPanel title={`Remove the ${removing.type} upstream?`} confirmLabel="Remove upstream" danger busy={busy} onConfirm={() => remove(removing)} onCancel={() => setRemoving(null)}>
            <p>Names not published in {org} are no longer fetched. Cached packages stay until deleted or collected.</p>
          </ConfirmPanel>
        )}
        {upstreams.data && upstreams.data.length > 0 && (
          <TableScroll label="Upstreams">
            <table>
              <thead>
                <tr>
                  <th scope="col">Format</th>
                  <th scope="col">URL</th>
                  <th scope="col">Reserved names</th>
                  <th scope="col">Cache</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {upstreams.data.map((u) => (
                  <tr key={u.type}>
                    <th scope="row">{u.type}</th>
                    <td>
                      <code>{u.url}</code>
                      {u.prefix && <div className="hint">prefix {u.prefix}</div>}
                      {u.hasCredentials && <div className="hint">with stored credentials</div>}
                    </td>
                    <td>
                      <ul className="chips" aria-label={`Reserved names of ${u.type}`}>
                        {u.reserved.map((pattern) => (
                          <li key={pattern} className="chip">
                            {pattern}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>{u.metadataTtlSeconds} s</td>
                    <td>
                      <button type="button" className="secondary" onClick={() => setEditing(u.type as UpstreamType)} aria-label={`Edit ${u.type} upstream`}>
                        Edit
                      </button>{' '}
                      <button type="button" className="danger-outline" onClick={() => setRemoving(u)} aria-label={`Remove ${u.type} upstream`}>
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        {!editing && missing.length > 0 && (
          <p className="actions">
            {missing.map((type) => (
              <button key={type} type="button" className="secondary" onClick={() => setEditing(type)}>
                Add {type} upstream
              </button>
            ))}
          </p>
        )}
      </section>
      {editing && (
        <UpstreamForm
          key={editing}
          org={org}
          type={editing}
          existing={byType.get(editing)}
          onSaved={(saved) => (setNotice(`The ${saved.type} upstream was saved.`), setEditing(null), upstreams.reload())}
          onCancel={() => setEditing(null)}
        />
      )}
      <section className="card" aria-labelledby="anonymous-h">
        <h2 id="anonymous-h">Anonymous reads</h2>
        {policy.data && (
          <label className="checkbox">
            <input type="checkbox" checked={policy.data.anonymousReads} onChange={(e) => toggleAnonymous(e.target.checked)} /> Anyone may read packages proxied from
            the upstreams (private packages are not affected)
          </label>
        )}
      </section>
    </div>
  );
}
