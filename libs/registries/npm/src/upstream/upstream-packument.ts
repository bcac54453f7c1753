/**
 * A packument fetched from the org's npm upstream, checked and rewritten for Packgate's clients
 * (pure). The upstream is asked for the full document (`Accept: application/json`), from which
 * both the full and the abbreviated answer are made. Every `dist.tarball` is rewritten to
 * Packgate's own URL (npm sends the token only to the registry's host, docs/clients.md); the
 * upstream's tarball URL and digests stay in the cached document, where the tarball route finds
 * them.
 */
import { isRecord } from '../wire/publish-document';
import type { NpmName } from '../wire/npm-names';
import { isValidVersion, tarballFilename } from '../wire/npm-names';
import { tarballUrl } from '../wire/npm-urls';
import type { Packument } from '../wire/packument';

/** Top-level fields never passed on: CouchDB bookkeeping and data of the upstream's own users. */
const DROPPED_TOP_LEVEL = ['_rev', '_attachments', '_revisions', 'users', '_cached', '_uplinks', '_distfiles'] as const;
/** `dist` fields passed on; others (attestations, signatures) name the upstream registry's keys and URLs. */
const KEPT_DIST = ['integrity', 'shasum', 'fileCount', 'unpackedSize'] as const;

export class UpstreamDocumentError extends Error {}

/** What the tarball route needs from the cached document for one version. */
export interface UpstreamTarball {
  version: string;
  /** Where the upstream serves the tarball (as its document says). */
  url: string;
  integrity?: string;
  shasum?: string;
  /** The version's manifest, stored with the downloaded tarball. */
  manifest: Record<string, unknown>;
}

/**
 * Parses and checks the upstream's document: a JSON object for this very name (a document for
 * another name, e.g. from a misbehaving proxy, is refused) with a `versions` object.
 */
export function parseUpstreamPackument(text: string, name: NpmName): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UpstreamDocumentError('the upstream answered a document that is not JSON');
  }
  if (!isRecord(doc)) throw new UpstreamDocumentError('the upstream answered a document that is not a JSON object');
  if (doc.name !== undefined && doc.name !== name.full) throw new UpstreamDocumentError(`the upstream answered the document of another package (${String(doc.name).slice(0, 100)})`);
  if (!isRecord(doc.versions)) throw new UpstreamDocumentError('the upstream document has no versions');
  return doc;
}

/** Versions whose key is valid semver and whose manifest is an object with a tarball URL. */
function usableVersions(doc: Record<string, unknown>): [string, Record<string, unknown>][] {
  const versions = doc.versions as Record<string, unknown>;
  return Object.entries(versions).filter((entry): entry is [string, Record<string, unknown>] => {
    const [version, manifest] = entry;
    return isValidVersion(version) && isRecord(manifest) && isRecord(manifest.dist) && typeof manifest.dist.tarball === 'string';
  });
}

/** The full document as Packgate serves it: the org's tarball URLs, upstream bookkeeping dropped. */
export function rewriteUpstreamPackument(doc: Record<string, unknown>, name: NpmName, publicUrl: string, org: string, fetchedAt: Date): Packument {
  const versions: Record<string, Record<string, unknown>> = {};
  for (const [version, manifest] of usableVersions(doc)) {
    const upstreamDist = manifest.dist as Record<string, unknown>;
    const dist: Record<string, unknown> = { tarball: tarballUrl(publicUrl, org, name, version) };
    for (const field of KEPT_DIST) if (upstreamDist[field] !== undefined) dist[field] = upstreamDist[field];
    versions[version] = { ...manifest, name: name.full, version, _id: `${name.full}@${version}`, dist };
  }
  const out: Record<string, unknown> = { ...doc };
  for (const field of DROPPED_TOP_LEVEL) delete out[field];
  const tags = isRecord(doc['dist-tags']) ? doc['dist-tags'] : {};
  const distTags = Object.fromEntries(Object.entries(tags).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] in versions));
  const time = isRecord(doc.time) ? { ...doc.time } : {};
  if (typeof time.modified !== 'string') time.modified = fetchedAt.toISOString();
  return { ...out, _id: name.full, name: name.full, 'dist-tags': distTags, versions, time } as Packument;
}

/** The version a Packgate tarball file name stands for, with its upstream location and digests. */
export function upstreamTarballFor(doc: Record<string, unknown>, name: NpmName, filename: string): UpstreamTarball | null {
  for (const [version, manifest] of usableVersions(doc)) {
    if (tarballFilename(name, version) !== filename) continue;
    const dist = manifest.dist as Record<string, unknown>;
    return {
      version,
      url: dist.tarball as string,
      integrity: typeof dist.integrity === 'string' ? dist.integrity : undefined,
      shasum: typeof dist.shasum === 'string' ? dist.shasum : undefined,
      manifest,
    };
  }
  return null;
}

/** The packument URL on an npm registry at `base` (scoped names as `@scope%2fname`, as npm sends them). */
export function upstreamPackumentUrl(base: string, name: NpmName): string {
  const escaped = name.scope === null ? encodeURIComponent(name.full) : `@${encodeURIComponent(name.scope)}%2f${encodeURIComponent(name.bare)}`;
  return `${base.replace(/\/+$/, '')}/${escaped}`;
}
