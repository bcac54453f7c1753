import type { PackageType } from '../../api/types';

interface Target {
  publicUrl: string;
  org: string;
  type: PackageType;
  /** The normalized name for PyPI (the file routes use it), the full name (with scope) for npm. */
  name: string;
}

/**
 * The registry URL of one file. The session cookie does not authenticate registry routes, so a
 * plain link only works for public packages: callers link only then.
 */
export function fileUrl(target: Target, filename: string): string | null {
  const base = `${target.publicUrl.replace(/\/+$/, '')}/${encodeURIComponent(target.org)}`;
  switch (target.type) {
    case 'pypi':
      return `${base}/pypi/files/${encodeURIComponent(target.name)}/${encodeURIComponent(filename)}`;
    case 'npm':
      // Scoped names keep their `@scope/` path segments, as the npm client requests them.
      return `${base}/npm/${target.name.split('/').map(encodeURIComponent).join('/').replace(/^%40/, '@')}/-/${encodeURIComponent(filename)}`;
    default:
      return null;
  }
}

/** For private packages: fetch one version's files with the client and its configured credentials. */
export function downloadCommand(target: Target, version: string): string | null {
  const url = `${target.publicUrl.replace(/\/+$/, '')}/${encodeURIComponent(target.org)}`;
  switch (target.type) {
    case 'pypi':
      return `pip download --no-deps --index-url ${url}/pypi/simple/ ${target.name}==${version}`;
    case 'npm':
      return `npm pack ${target.name}@${version} --registry ${url}/npm/`;
    default:
      return null;
  }
}
