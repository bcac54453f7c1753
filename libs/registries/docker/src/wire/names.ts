import { OciError } from '../errors';

/**
 * Grammar of the OCI distribution-spec ("Pulling manifests": `<name>`, `<reference>`) and the
 * parsing of `/v2/...` paths. Names contain `/`, so routes are recognised by their trailing
 * `/blobs/…`, `/manifests/…`, `/tags/list`, `/referrers/…` segment. Pure functions, no I/O.
 */
const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const NAME_PATTERN = new RegExp(`^${COMPONENT}(?:\\/${COMPONENT})+$`);
const TAG_PATTERN = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
/** The spec's general digest grammar (any algorithm). */
const DIGEST_GRAMMAR = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
/** The digests this registry stores. */
const SUPPORTED_DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
export const MAX_NAME_LENGTH = 255;

export type DigestAlgorithm = 'sha256' | 'sha512';

export interface RepositoryName {
  /** Full path on the wire, e.g. `team/app` (token scopes, Location headers, catalog). */
  name: string;
  /** First path component: the organization. */
  org: string;
  /** The path after the org, e.g. `app` or `tools/lint`: the package name inside the org. */
  packageName: string;
}

export type RegistryRoute =
  | { kind: 'blob'; repo: RepositoryName; digest: string }
  | { kind: 'upload'; repo: RepositoryName; uploadId: string | null }
  | { kind: 'manifest'; repo: RepositoryName; reference: string }
  | { kind: 'tags'; repo: RepositoryName }
  | { kind: 'referrers'; repo: RepositoryName; digest: string };

/** Repository names always start with an org (`{org}/{name}`), so one component is refused. */
export function parseRepositoryName(name: string): RepositoryName {
  if (name.length > MAX_NAME_LENGTH || !NAME_PATTERN.test(name)) {
    throw new OciError('NAME_INVALID', 'invalid repository name: expected {org}/{name} in the OCI name grammar', { name: name.slice(0, 300) });
  }
  const slash = name.indexOf('/');
  return { name, org: name.slice(0, slash), packageName: name.slice(slash + 1) };
}

/** The repository of package `packageName` in org `orgSlug` (`team` + `app` → `team/app`). */
export function repositoryNameOf(orgSlug: string, packageName: string): RepositoryName {
  return parseRepositoryName(`${orgSlug}/${packageName}`);
}

export function isTag(reference: string): boolean {
  return TAG_PATTERN.test(reference);
}

export function isDigest(reference: string): boolean {
  return DIGEST_GRAMMAR.test(reference);
}

/** A digest this registry can verify, or DIGEST_INVALID. */
export function parseDigest(value: string | undefined | null): { digest: string; algorithm: DigestAlgorithm } {
  if (!value || !SUPPORTED_DIGEST.test(value)) {
    throw new OciError('DIGEST_INVALID', 'invalid or unsupported digest (sha256 or sha512, lower-case hex)', { digest: String(value ?? '').slice(0, 200) });
  }
  return { digest: value, algorithm: value.slice(0, value.indexOf(':')) as DigestAlgorithm };
}

export function algorithmOf(digest: string): DigestAlgorithm {
  return digest.startsWith('sha512:') ? 'sha512' : 'sha256';
}

/**
 * `rest` is the path after `/v2/` (undecoded). Returns null for paths that are no registry route.
 * Throws NAME_INVALID when the route is recognised but the name breaks the grammar.
 */
export function parseRoute(rest: string): RegistryRoute | null {
  let match: RegExpExecArray | null;
  if ((match = /^(.+)\/blobs\/uploads\/?([^/]*)$/.exec(rest))) {
    return { kind: 'upload', repo: parseRepositoryName(match[1]), uploadId: match[2] === '' ? null : match[2] };
  }
  if ((match = /^(.+)\/blobs\/([^/]+)$/.exec(rest))) return { kind: 'blob', repo: parseRepositoryName(match[1]), digest: match[2] };
  if ((match = /^(.+)\/manifests\/([^/]+)$/.exec(rest))) return { kind: 'manifest', repo: parseRepositoryName(match[1]), reference: match[2] };
  if ((match = /^(.+)\/tags\/list$/.exec(rest))) return { kind: 'tags', repo: parseRepositoryName(match[1]) };
  if ((match = /^(.+)\/referrers\/([^/]+)$/.exec(rest))) return { kind: 'referrers', repo: parseRepositoryName(match[1]), digest: match[2] };
  return null;
}

/** `n` and `last` of the tag list and catalog (distribution `PAGINATION_NUMBER_INVALID`). */
export function parsePagination(query: Record<string, unknown>, max = 10_000): { n: number | null; last: string | null } {
  const rawN = typeof query.n === 'string' ? query.n : undefined;
  const last = typeof query.last === 'string' && query.last !== '' ? query.last : null;
  if (rawN === undefined || rawN === '') return { n: null, last };
  if (!/^\d{1,9}$/.test(rawN)) throw new OciError('PAGINATION_NUMBER_INVALID', 'n must be a non-negative integer', { n: rawN.slice(0, 20) });
  return { n: Math.min(Number(rawN), max), last };
}

/** ASCII order (the spec's "lexical" order), independent of database collation. */
export function compareAscii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
