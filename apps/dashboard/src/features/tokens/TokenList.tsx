import type { Token } from '../../api/types';
import { EmptyState, TableScroll } from '../../components/Status';
import { formatDate, formatDay } from '../../format';

function Day({ iso, fallback }: { iso: string | null; fallback?: string }) {
  return iso ? <time dateTime={iso} title={formatDate(iso)}>{formatDay(iso)}</time> : <>{fallback ?? '—'}</>;
}

export function TokenList({ tokens, showOwner, onRotate, onDelete, busyId }: { tokens: Token[]; showOwner: boolean; onRotate: (t: Token) => void; onDelete: (t: Token) => void; busyId?: string }) {
  if (tokens.length === 0) {
    return (
      <EmptyState title="No tokens yet.">
        <p>Create one to let pip, twine, npm, docker or a CI pipeline reach this organization.</p>
      </EmptyState>
    );
  }
  const expired = (t: Token) => t.expiresAt !== null && new Date(t.expiresAt).getTime() < Date.now();
  return (
    <TableScroll label="Tokens">
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            {showOwner && <th scope="col">Owner</th>}
            <th scope="col">Roles</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id}>
              <th scope="row" className="name-cell">
                {t.name}
              </th>
              {showOwner && <td>{t.username ?? '—'}</td>}
              <td>
                <ul className="chips" aria-label={`Roles of ${t.name}`}>
                  {t.roles.map((r) => (
                    <li key={r} className="chip">
                      {r}
                    </li>
                  ))}
                </ul>
              </td>
              <td className="nowrap"><Day iso={t.createdAt} /></td>
              <td className="nowrap">
                <Day iso={t.expiresAt} fallback="Never" />
                {expired(t) && <span className="badge badge-warn"> expired</span>}
              </td>
              <td className="nowrap"><Day iso={t.lastUsedAt} fallback="Never" /></td>
              <td>
                <div className="row-actions">
                  <button type="button" className="secondary" onClick={() => onRotate(t)} disabled={busyId === t.id} aria-label={`Rotate ${t.name}`}>
                    Rotate
                  </button>
                  <button type="button" className="danger-outline" onClick={() => onDelete(t)} disabled={busyId === t.id} aria-label={`Delete ${t.name}`}>
                    Delete
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
