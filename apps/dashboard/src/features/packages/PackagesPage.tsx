import { useEffect, useRef, useState } from 'react';
import { api, type Page } from '../../api/client';
import { PACKAGE_TYPES, PACKAGE_TYPE_LABELS, type PackageSummary, type PackageType } from '../../api/types';
import { EmptyState, ErrorMessage, Loading, TableScroll } from '../../components/Status';
import { type AsyncState, useAsync } from '../../components/useAsync';
import { formatBytes, formatDate } from '../../format';
import { paths } from '../../routing';
import { useSession } from '../../session';

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/**
 * Appends the page a listing's `next` link names to the listing. A page that arrives after the
 * listing was reloaded (other filters) is dropped.
 */
function useMorePages(list: AsyncState<Page<PackageSummary>>): { load: () => void; loading: boolean; error: unknown } {
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const current = useRef(list.data);
  current.current = list.data;
  useEffect(() => setError(null), [list.data]);

  const load = () => {
    const from = list.data;
    if (!from?.next || loading) return;
    setLoading(true);
    setError(null);
    api.packagesPage(from.next).then(
      (page) => {
        setLoading(false);
        if (current.current === from) list.setData({ items: [...from.items, ...page.items], next: page.next });
      },
      (err: unknown) => {
        setLoading(false);
        if (current.current === from) setError(err);
      },
    );
  };
  return { load, loading, error };
}

const UPLOAD_HINTS: Record<PackageType, string> = {
  pypi: 'Upload one with twine using a token that holds pypi:write.',
  npm: 'Publish one with npm publish using a token that holds npm:write.',
  docker: 'Push an image with docker push after docker login with a token that holds docker:write.',
};

export function PackagesPage({ type }: { type: PackageType }) {
  const { org } = useSession();
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim(), 250);
  const list = useAsync(() => api.packages(org, type, query || undefined), [org, type, query]);
  const more = useMorePages(list);
  const label = PACKAGE_TYPE_LABELS[type];

  return (
    <div className="page">
      <h1>{label} packages</h1>
      <nav aria-label="Package formats" className="tabs">
        <ul>
          {PACKAGE_TYPES.map((t) => (
            <li key={t}>
              <a href={paths.packages(org, t)} aria-current={t === type ? 'page' : undefined}>
                {PACKAGE_TYPE_LABELS[t]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <form className="search" role="search" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="package-search">Search packages</label>
        <input id="package-search" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name contains…" />
      </form>
      {list.loading && <Loading label="Loading packages…" />}
      <ErrorMessage error={list.error} title="Could not load packages" />
      {list.data && list.data.items.length === 0 && (
        <EmptyState title={query ? `No ${label} packages match “${query}”.` : `No ${label} packages yet.`}>{!query && <p>{UPLOAD_HINTS[type]}</p>}</EmptyState>
      )}
      {list.data && list.data.items.length > 0 && (
        <TableScroll label={`${label} packages`}>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Latest</th>
                <th scope="col">{type === 'docker' ? 'Tags' : 'Versions'}</th>
                <th scope="col">Size</th>
                <th scope="col">Last upload</th>
                <th scope="col">Visibility</th>
                <th scope="col">Permissions</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((p) => (
                <tr key={p.normalizedName}>
                  <th scope="row">
                    <a href={paths.package(org, type, p.name)}>{p.name}</a>
                  </th>
                  <td>{p.latestVersion ?? '—'}</td>
                  <td>{p.versionCount}</td>
                  <td>{formatBytes(p.size)}</td>
                  <td>{formatDate(p.lastUpload)}</td>
                  <td>
                    <span className={`badge ${p.private ? '' : 'badge-public'}`}>{p.private ? 'Private' : 'Public'}</span>
                    {p.source === 'upstream' && <span className="badge">From upstream</span>}
                  </td>
                  <td>{p.permissionMode === 'package' ? 'Package roles' : 'Standard'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <ErrorMessage error={more.error} title="Could not load more packages" />
      {list.data?.next && (
        <button type="button" onClick={more.load} disabled={more.loading}>
          {more.loading ? 'Loading more…' : 'Show more'}
        </button>
      )}
    </div>
  );
}
