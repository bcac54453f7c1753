import { useState } from 'react';
import { api } from '../../api/client';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { EmptyState, ErrorMessage, Loading, TableScroll } from '../../components/Status';
import { useAsync } from '../../components/useAsync';
import { useSession } from '../../session';
import { publishersApi, type TrustedPublisher } from './api';
import { PublisherForm } from './PublisherForm';

/** Org admins: CI identities (OIDC) that may trade their ID token for a short-lived token. */
export function TrustedPublishersPage() {
  const { org, isOrgAdmin } = useSession();
  const publishers = useAsync(() => (isOrgAdmin ? publishersApi.list(org) : Promise.resolve([])), [org, isOrgAdmin]);
  const roles = useAsync(() => (isOrgAdmin ? api.roles(org) : Promise.resolve([])), [org, isOrgAdmin]);
  const [removing, setRemoving] = useState<TrustedPublisher | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');

  if (!isOrgAdmin) {
    return (
      <div className="page">
        <h1>Trusted publishers</h1>
        <ErrorMessage error={new Error('Only organization admins (role org:admin) can manage trusted publishers.')} title="Not allowed" />
      </div>
    );
  }

  async function remove(publisher: TrustedPublisher) {
    setBusy(true);
    setError(null);
    try {
      await publishersApi.remove(org, publisher.id);
      setNotice(`${publisher.name} removed: its ID tokens are refused from now on.`);
      setRemoving(null);
      publishers.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page">
      <h1>Trusted publishers</h1>
      <p className="muted">
        A CI job from a trusted publisher trades its OIDC ID token for a short-lived token with the roles below, owned by the admin who
        added the publisher. No secret is stored in the CI system.
      </p>
      <section className="card" aria-labelledby="publishers-h">
        <h2 id="publishers-h">Trusted publishers of {org}</h2>
        {notice && (
          <p className="alert alert-info" role="status">
            {notice}
          </p>
        )}
        {publishers.loading && !publishers.data && <Loading label="Loading trusted publishers…" />}
        <ErrorMessage error={publishers.error} title="Could not load trusted publishers" />
        {publishers.data && publishers.data.length === 0 && <EmptyState title="No trusted publishers yet." />}
        {removing && (
          <ConfirmPanel title={`Remove ${removing.name}?`} confirmLabel="Remove publisher" danger busy={busy} onConfirm={() => remove(removing)} onCancel={() => (setRemoving(null), setError(null))}>
            <p>Jobs of this publisher can no longer get tokens. Tokens already minted run out within their lifetime.</p>
            <ErrorMessage error={error} title="Could not remove" />
          </ConfirmPanel>
        )}
        {publishers.data && publishers.data.length > 0 && (
          <TableScroll label="Trusted publishers">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Issuer and claims</th>
                  <th scope="col">Token</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {publishers.data.map((p) => (
                  <tr key={p.id}>
                    <th scope="row">{p.name}</th>
                    <td>
                      <div>
                        <code>{p.issuer}</code> (aud <code>{p.audience}</code>)
                      </div>
                      <ul className="chips" aria-label={`Claims of ${p.name}`}>
                        {Object.entries(p.claims).map(([claim, value]) => (
                          <li key={claim} className="chip">
                            {claim}={value}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      <ul className="chips" aria-label={`Roles of ${p.name}`}>
                        {p.roles.map((r) => (
                          <li key={r} className="chip">
                            {r}
                          </li>
                        ))}
                      </ul>
                      {p.packages.length > 0 && <div className="hint">packages: {p.packages.join(', ')}</div>}
                      <div className="hint">
                        {Math.round(p.tokenLifetimeSeconds / 60)} min, owned by {p.createdBy}
                      </div>
                    </td>
                    <td>
                      <button type="button" className="danger-outline" onClick={() => (setError(null), setRemoving(p))} aria-label={`Remove ${p.name}`}>
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
      <ErrorMessage error={roles.error} title="Could not load roles" />
      {roles.data && <PublisherForm roles={roles.data} onCreated={(p) => (setNotice(`${p.name} added.`), publishers.reload())} />}
    </div>
  );
}
