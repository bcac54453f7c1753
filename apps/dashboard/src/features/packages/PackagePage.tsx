import { useState } from 'react';
import { api } from '../../api/client';
import { PACKAGE_TYPE_LABELS, type PackageType } from '../../api/types';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { CodeSnippet } from '../../components/Copy';
import { ErrorMessage, Loading } from '../../components/Status';
import { useAsync } from '../../components/useAsync';
import { formatBytes, formatDate } from '../../format';
import { navigate, paths } from '../../routing';
import { publicUrlOf, useSession } from '../../session';
import { ArtifactList } from './ArtifactList';
import { splitArtifacts } from './artifacts';
import { downloadCommand, fileUrl } from './downloads';
import { installCommand } from './installCommand';
import { PackageSettings } from './PackageSettings';
import { VersionList } from './VersionList';

export function PackagePage({ type, name }: { type: PackageType; name: string }) {
  const { org, info, isOrgAdmin } = useSession();
  const pkg = useAsync(() => api.package(org, type, name), [org, type, name]);
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);

  const target = pkg.data && { publicUrl: publicUrlOf(info), org, type, name: type === 'pypi' ? pkg.data.normalizedName || pkg.data.name : pkg.data.name };
  // Package mode: only the package's own role reaches it (see PackageSettings).
  const readRole = pkg.data && (pkg.data.permissionMode === 'package' ? `${type}:${pkg.data.normalizedName || pkg.data.name}:read` : `${type}:read`);
  const { releases, artifacts } = splitArtifacts(pkg.data?.versions ?? []);
  // A Docker pull names a real image tag (the latest is never an artifact); without one there is nothing to pull.
  const pullable = type !== 'docker' || pkg.data?.latestVersion != null;

  async function remove() {
    setDeleting(true);
    setDeleteError(null);
    try {
      await api.deletePackage(org, type, name);
      navigate(paths.packages(org, type));
    } catch (err) {
      setDeleteError(err);
      setDeleting(false);
    }
  }

  return (
    <div className="page">
      <p className="breadcrumb">
        <a href={paths.packages(org, type)}>← {PACKAGE_TYPE_LABELS[type]} packages</a>
      </p>
      <h1>{name}</h1>
      {pkg.loading && !pkg.data && <Loading label="Loading package…" />}
      <ErrorMessage error={pkg.error} title="Could not load the package" />
      {pkg.data && (
        <>
          <dl className="facts">
            <div>
              <dt>Format</dt>
              <dd>{PACKAGE_TYPE_LABELS[type]}</dd>
            </div>
            <div>
              <dt>Latest</dt>
              <dd>{pkg.data.latestVersion ?? '—'}</dd>
            </div>
            {type === 'docker' ? (
              <>
                <div>
                  <dt>Image tags</dt>
                  <dd>{releases.length}</dd>
                </div>
                {artifacts.length > 0 && (
                  <div>
                    <dt>Artifacts</dt>
                    <dd>{artifacts.length}</dd>
                  </div>
                )}
              </>
            ) : (
              <div>
                <dt>Versions</dt>
                <dd>{pkg.data.versionCount}</dd>
              </div>
            )}
            <div>
              <dt>Size</dt>
              <dd>{formatBytes(pkg.data.size)}</dd>
            </div>
            <div>
              <dt>Last upload</dt>
              <dd>{formatDate(pkg.data.lastUpload)}</dd>
            </div>
            <div>
              <dt>Visibility</dt>
              <dd>{pkg.data.private ? 'Private' : 'Public'}</dd>
            </div>
            <div>
              <dt>Source</dt>
              <dd>{pkg.data.source === 'upstream' ? 'Cached from the upstream (delete it to publish a private package of this name)' : 'Published here'}</dd>
            </div>
          </dl>
          {pullable ? (
            <CodeSnippet label="Install command" code={installCommand({ publicUrl: publicUrlOf(info), org, type, name: pkg.data.name, version: type === 'docker' ? pkg.data.latestVersion : null })} hint={pkg.data.private ? `Private package: the client needs a token with role ${readRole}.` : undefined} />
          ) : (
            <p className="hint">No image tag to pull yet: this repository holds only artifacts (signatures, SBOMs, attestations).</p>
          )}
          <div className="grid-2">
            <PackageSettings pkg={pkg.data} onChange={pkg.setData} />
            <VersionList
              type={type}
              versions={releases}
              fileLink={pkg.data.private || !target ? undefined : (filename) => fileUrl(target, filename)}
              fetchCommand={pkg.data.private && target ? (version) => downloadCommand(target, version) : undefined}
            />
          </div>
          <ArtifactList artifacts={artifacts} />
          {isOrgAdmin && (
            <section className="card danger-zone" aria-labelledby="pkg-delete-h">
              <h2 id="pkg-delete-h">Delete package</h2>
              {confirming ? (
                <ConfirmPanel title={`Delete ${name} and all its ${type === 'docker' ? 'tags' : 'versions'}?`} confirmLabel="Delete package permanently" danger busy={deleting} onConfirm={remove} onCancel={() => setConfirming(false)}>
                  <p>Files no other package shares are removed. This cannot be undone.</p>
                  <ErrorMessage error={deleteError} title="Could not delete" />
                </ConfirmPanel>
              ) : (
                <button type="button" className="danger-outline" onClick={() => setConfirming(true)}>
                  Delete package
                </button>
              )}
            </section>
          )}
        </>
      )}
    </div>
  );
}
