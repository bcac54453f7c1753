import type { PackageType, PackageVersion } from '../../api/types';
import { EmptyState, TableScroll } from '../../components/Status';
import { formatBytes, formatDate } from '../../format';

/**
 * `fileLink` gives a download URL (public packages); `fetchCommand` the client command that
 * fetches a version with the client's own credentials (private packages).
 */
export function VersionList({
  type,
  versions,
  fileLink,
  fetchCommand,
}: {
  type: PackageType;
  versions: PackageVersion[];
  fileLink?: (filename: string) => string | null;
  fetchCommand?: (version: string) => string | null;
}) {
  const noun = type === 'docker' ? 'Image tags' : 'Versions';
  return (
    <section className="card" aria-labelledby="versions-h">
      <h2 id="versions-h">
        {noun} and {type === 'docker' ? 'their manifests and layers' : 'files'}
      </h2>
      {versions.length === 0 && <EmptyState title={`No ${noun.toLowerCase()} yet.`} />}
      {versions.map((v) => (
        <div key={v.version} className="version">
          <h3>
            {v.version} <span className="muted small">{formatDate(v.createdAt)}</span>
            {v.yanked && <span className="badge badge-warn">yanked{v.yankedReason ? `: ${v.yankedReason}` : ''}</span>}
          </h3>
          {v.files.length > 0 && fetchCommand?.(v.version) && (
            <p className="hint">
              Private package, so no download links (the dashboard session does not reach the registry). With a token configured: <code>{fetchCommand(v.version)}</code>
            </p>
          )}
          {v.files.length === 0 ? (
            <p className="muted">No files.</p>
          ) : (
            <TableScroll label={`Files of ${v.version}`}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">File</th>
                    <th scope="col">Size</th>
                    <th scope="col">SHA-256</th>
                    <th scope="col">Uploaded</th>
                  </tr>
                </thead>
                <tbody>
                  {v.files.map((f) => (
                    <tr key={f.filename}>
                      <th scope="row" className="mono break">
                        {fileLink?.(f.filename) ? (
                          <a href={fileLink(f.filename)!} download>
                            {f.filename}
                          </a>
                        ) : (
                          f.filename
                        )}
                      </th>
                      <td>{formatBytes(f.size)}</td>
                      <td className="mono" title={f.sha256}>
                        <abbr title={f.sha256}>{f.sha256.slice(0, 12)}…</abbr>
                      </td>
                      <td>{formatDate(f.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </div>
      ))}
    </section>
  );
}
