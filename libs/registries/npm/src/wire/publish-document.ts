import { DigestMismatchError, InvalidInputError } from '@packgate/registries/core';
import type { NpmName } from './npm-names';
import { isValidVersion } from './npm-names';

/**
 * What an `npm publish` document asks for, checked against the URL (pure). The body is
 * `{_id, name, description, dist-tags, versions: {<v>: manifest}, access, _attachments: {<file>:
 * {content_type, data, length}}}` (libnpmpublish publish.js, docs/clients.md).
 */
export interface PublishPlan {
  version: string;
  /** The version manifest as sent (unknown fields kept: stripping them breaks installs). */
  manifest: Record<string, unknown>;
  /** Tags the client wants on this version (`latest` by default, `--tag beta` ...). */
  tags: string[];
  attachmentKey: string;
  expected: { integrity?: string; shasum?: string; length?: number };
  readme?: string;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when the PUT carries a tarball (publish) rather than a metadata edit (deprecate, unpublish). */
export function hasAttachments(doc: Record<string, unknown>): boolean {
  return isRecord(doc._attachments) && Object.keys(doc._attachments).length > 0;
}

export function planPublish(doc: Record<string, unknown>, name: NpmName, capturedKey: string | null): PublishPlan {
  if (doc.name !== name.full) throw new InvalidInputError(`package name in the body (${String(doc.name).slice(0, 100)}) does not match the URL (${name.full})`, 'NAME_MISMATCH');
  if (doc._id !== undefined && doc._id !== name.full) throw new InvalidInputError(`_id in the body does not match the URL (${name.full})`, 'NAME_MISMATCH');
  if (!isRecord(doc.versions)) throw new InvalidInputError('publish body has no versions');
  const versions = Object.keys(doc.versions);
  if (versions.length !== 1) throw new InvalidInputError(`publish exactly one version at a time (got ${versions.length})`);
  const version = versions[0];
  if (!isValidVersion(version)) throw new InvalidInputError(`invalid version "${String(version).slice(0, 64)}": versions must be valid semver (e.g. 1.0.0)`, 'INVALID_VERSION');
  const manifest = doc.versions[version];
  if (!isRecord(manifest)) throw new InvalidInputError(`versions["${version}"] must be an object`);
  if (manifest.name !== name.full) throw new InvalidInputError(`versions["${version}"].name does not match the URL (${name.full})`, 'NAME_MISMATCH');
  if (manifest.version !== version) throw new InvalidInputError(`versions["${version}"].version is "${String(manifest.version).slice(0, 64)}"`, 'INVALID_VERSION');

  const attachments = doc._attachments as Record<string, unknown>;
  const tarballs = Object.keys(attachments).filter((key) => !key.endsWith('.sigstore'));
  if (tarballs.length !== 1 || capturedKey === null || tarballs[0] !== capturedKey) throw new InvalidInputError('publish body must carry exactly one tarball in _attachments (as its first attachment)');
  const attachment = attachments[capturedKey];
  const expectedKey = `${name.full}-${version}.tgz`;
  if (capturedKey !== expectedKey) throw new InvalidInputError(`attachment must be named ${expectedKey}, got ${capturedKey.slice(0, 200)}`, 'NAME_MISMATCH');

  const dist = isRecord(manifest.dist) ? manifest.dist : {};
  const integrity = typeof dist.integrity === 'string' ? dist.integrity : undefined;
  const shasum = typeof dist.shasum === 'string' ? dist.shasum : undefined;
  if (!integrity && !shasum) throw new InvalidInputError(`versions["${version}"].dist needs integrity or shasum`, 'DIGEST_MISSING');
  const length = isRecord(attachment) && typeof attachment.length === 'number' ? attachment.length : undefined;

  const distTags = isRecord(doc['dist-tags']) ? doc['dist-tags'] : {};
  const tags = Object.entries(distTags)
    .filter(([, value]) => value === version)
    .map(([tag]) => tag);
  for (const tag of tags) checkTagName(tag);
  return { version, manifest, tags, attachmentKey: capturedKey, expected: { integrity, shasum, length }, readme: typeof doc.readme === 'string' ? doc.readme : undefined };
}

/** Tags that are not versions and are URL-safe (npm refuses semver-looking tags too). */
export function checkTagName(tag: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(tag) || isValidVersion(tag)) throw new InvalidInputError(`invalid dist-tag "${tag.slice(0, 64)}"`, 'INVALID_TAG');
}

/** `sha512-<base64>` of hex digests, as npm's `dist.integrity` carries it. */
export function integrityOf(sha512Hex: string): string {
  return `sha512-${Buffer.from(sha512Hex, 'hex').toString('base64')}`;
}

/** Checks the decoded tarball against what the client computed before sending it. */
export function verifyTarball(plan: PublishPlan, actual: { size: number; sha512: string; sha1: string }): void {
  const { integrity, shasum, length } = plan.expected;
  if (length !== undefined && length !== actual.size) throw new DigestMismatchError(`attachment length is ${actual.size} bytes, the body says ${length}: the tarball was corrupted in transit`);
  if (shasum !== undefined && shasum.toLowerCase() !== actual.sha1) throw new DigestMismatchError('integrity check failed: dist.shasum does not match the uploaded tarball');
  if (integrity !== undefined) {
    const entries = integrity.trim().split(/\s+/);
    const known = { sha512: Buffer.from(actual.sha512, 'hex').toString('base64'), sha1: Buffer.from(actual.sha1, 'hex').toString('base64') } as Record<string, string>;
    const checkable = entries.map((entry) => /^(sha\d+)-([A-Za-z0-9+/=]+)(\?.*)?$/.exec(entry)).filter((m): m is RegExpExecArray => m !== null && m[1] in known);
    if (checkable.length === 0) throw new InvalidInputError('dist.integrity must hold a sha512 (or sha1) hash', 'DIGEST_MISSING');
    if (!checkable.every((m) => m[2] === known[m[1]])) throw new DigestMismatchError('integrity check failed: dist.integrity does not match the uploaded tarball');
  }
}
