import type { PackageVersion } from '../../api/types';
import { TableScroll } from '../../components/Status';
import { formatBytes, formatDate } from '../../format';
import { artifactKind } from './artifacts';

/** A Docker repository's artifact tags (signatures, SBOMs, attestations), apart from its image tags. */
export function ArtifactList({ artifacts }: { artifacts: (PackageVersion & { artifactType: string })[] }) {
  if (artifacts.length === 0) return null;
  return (
    <section className="card" aria-labelledby="artifacts-h">
      <h2 id="artifacts-h">Signatures, SBOMs and attestations</h2>
      <p className="hint">Tags naming OCI artifacts rather than images: never the latest, and not something to pull and run.</p>
      <TableScroll label="Artifacts">
        <table>
          <thead>
            <tr>
              <th scope="col">Tag</th>
              <th scope="col">Kind</th>
              <th scope="col">Media type</th>
              <th scope="col">Size</th>
              <th scope="col">Pushed</th>
            </tr>
          </thead>
          <tbody>
            {artifacts.map((a) => (
              <tr key={a.version}>
                <th scope="row" className="mono break">
                  {a.version}
                </th>
                <td>{artifactKind(a.version, a.artifactType)}</td>
                <td className="mono break">{a.artifactType}</td>
                <td>{formatBytes(a.files.reduce((sum, f) => sum + f.size, 0))}</td>
                <td>{formatDate(a.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}
