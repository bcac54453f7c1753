/**
 * npm package names, versions and tarball file names (pure). Rules follow
 * validate-npm-package-name for new packages: lower case, URL-safe, at most 214 characters,
 * optional `@scope/` prefix, no leading `.` or `_`.
 */
import * as semver from 'semver';

const NAME_PART = /^[a-z0-9-~][a-z0-9-._~]*$/;
export const MAX_NAME_LENGTH = 214;

export interface NpmName {
  /** `@scope/name` or `name`. */
  full: string;
  scope: string | null;
  /** The part after the scope. */
  bare: string;
}

/** Parses a package name as sent (already URL-decoded); null when npm would not accept it. */
export function parseNpmName(text: string): NpmName | null {
  if (text.length === 0 || text.length > MAX_NAME_LENGTH) return null;
  if (text.startsWith('@')) {
    const slash = text.indexOf('/');
    if (slash < 2) return null;
    const scope = text.slice(1, slash);
    const bare = text.slice(slash + 1);
    if (!NAME_PART.test(scope) || !NAME_PART.test(bare) || scope.startsWith('.') || bare.startsWith('.')) return null;
    return { full: text, scope, bare };
  }
  if (!NAME_PART.test(text) || text.startsWith('.') || text.startsWith('_')) return null;
  return { full: text, scope: null, bare: text };
}

/** A version npm can install: strict semver, as `semver.valid` would print it back. */
export function isValidVersion(version: unknown): version is string {
  return typeof version === 'string' && version.length <= 128 && semver.valid(version) === version;
}

/** The stored file name of a version's tarball (`lib-1.0.0.tgz`, scope dropped as on npmjs). */
export function tarballFilename(name: NpmName, version: string): string {
  return `${name.bare}-${version}.tgz`;
}

/** The path of the tarball below the registry root, with a literal `/` after the scope. */
export function tarballPath(name: NpmName, version: string): string {
  return `${name.full}/-/${tarballFilename(name, version)}`;
}

/** Picks `latest` among versions: the highest release, else the highest prerelease. */
export function highestVersion(versions: string[]): string | undefined {
  const valid = versions.filter((v) => semver.valid(v));
  const releases = valid.filter((v) => !semver.prerelease(v));
  const pool = releases.length > 0 ? releases : valid;
  return pool.sort(semver.rcompare)[0];
}
