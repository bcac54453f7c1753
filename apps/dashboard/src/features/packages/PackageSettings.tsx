import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { PackageDetail, PermissionMode } from '../../api/types';
import { ErrorMessage } from '../../components/Status';
import { useSession } from '../../session';

/** Public/private toggle and permission-mode switch of one package. */
export function PackageSettings({ pkg, onChange }: { pkg: PackageDetail; onChange: (pkg: PackageDetail) => void }) {
  const { org, isOrgAdmin } = useSession();
  const [mode, setMode] = useState<PermissionMode>(pkg.permissionMode);
  const [isPublic, setIsPublic] = useState(!pkg.private);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  useEffect(() => setMode(pkg.permissionMode), [pkg.permissionMode]);
  useEffect(() => setIsPublic(!pkg.private), [pkg.private]);

  const t = pkg.type;
  // Package roles are named after the normalized name (PEP 503 for PyPI).
  const roleName = pkg.normalizedName || pkg.name;
  const readRole = `${t}:${roleName}:read`;
  const writeRole = `${t}:${roleName}:write`;
  const changed = isPublic === pkg.private || mode !== pkg.permissionMode;

  // Visibility and permission mode are saved together, with one Save: neither changes by a stray click.
  async function save() {
    setBusy(true);
    setError(null);
    setStatus('');
    try {
      const updated = await api.updatePackage(org, pkg.type, pkg.name, { private: !isPublic, permissionMode: mode });
      // PATCH answers the package summary (no versions): keep the versions already shown.
      onChange({ ...pkg, ...updated });
      const visibility = updated.private ? 'private' : 'public';
      const access = updated.permissionMode === 'package' ? `package mode: roles ${readRole} and ${writeRole} control access` : 'standard mode';
      setStatus(`Saved: the package is ${visibility}, ${access}.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="pkg-settings-h">
      <h2 id="pkg-settings-h">Access</h2>
      {!isOrgAdmin && <p className="hint">Only organization admins can change these settings.</p>}

      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h3>Visibility</h3>
        <div className="checkbox switch">
          <input id="pkg-public" type="checkbox" role="switch" checked={isPublic} disabled={busy} aria-describedby="pkg-public-hint" onChange={(e) => setIsPublic(e.target.checked)} />
          <label htmlFor="pkg-public">Public package</label>
        </div>
        <p id="pkg-public-hint" className="hint">
          {!isPublic
            ? 'Private: only credentials with read access can download it.'
            : 'Public: anyone can download it without credentials. Publishing still needs write access.'}
        </p>
        <fieldset>
          <legend>Permission mode</legend>
          <div className="radio">
            <input id="mode-standard" type="radio" name="permission-mode" value="standard" checked={mode === 'standard'} onChange={() => setMode('standard')} aria-describedby="mode-standard-hint" />
            <label htmlFor="mode-standard">Standard</label>
            <p id="mode-standard-hint" className="hint">
              The format roles <code>{t}:read</code> and <code>{t}:write</code> grant access to this package, as to every other {t} package of the organization.
            </p>
          </div>
          <div className="radio">
            <input id="mode-package" type="radio" name="permission-mode" value="package" checked={mode === 'package'} onChange={() => setMode('package')} aria-describedby="mode-package-hint" />
            <label htmlFor="mode-package">Package-level</label>
            <p id="mode-package-hint" className="hint">
              Creates the roles <code>{readRole}</code> and <code>{writeRole}</code>; only these count for this package, so <code>{t}:read</code>/<code>{t}:write</code> no longer reach it.
              Give the new roles to members and tokens that need it.
            </p>
          </div>
        </fieldset>
        <button type="submit" disabled={busy || !changed}>
          {busy ? 'Saving…' : 'Save access settings'}
        </button>
        {changed && !busy && <span className="hint"> Unsaved changes.</span>}
      </form>
      <p role="status" className="status-line">
        {status}
      </p>
      <ErrorMessage error={error} title="Could not update the package" />
    </section>
  );
}
