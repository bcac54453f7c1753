/**
 * The digests a proxied tarball must have (pure): the sha512 of the upstream's `dist.integrity`
 * (the hash npm itself verifies) and the sha1 of `dist.shasum`, each when given; without a sha512,
 * a sha1 in `dist.integrity` counts too. A tarball with none of them is never stored: there would
 * be nothing to check it against.
 */
export type TarballAlgorithm = 'sha512' | 'sha1';

export interface ExpectedDigest {
  algorithm: TarballAlgorithm;
  hex: string;
}

/** Lower-case hex of a `<algo>-<base64>` entry of an SRI string, or null. */
function sriHex(integrity: string | undefined, algorithm: TarballAlgorithm): string | null {
  if (!integrity) return null;
  for (const entry of integrity.trim().split(/\s+/)) {
    const match = /^([a-z0-9]+)-([A-Za-z0-9+/]+={0,2})(\?.*)?$/.exec(entry);
    if (!match || match[1] !== algorithm) continue;
    const bytes = Buffer.from(match[2], 'base64');
    if (bytes.length === (algorithm === 'sha512' ? 64 : 20)) return bytes.toString('hex');
  }
  return null;
}

export function expectedTarballDigests(dist: { integrity?: string; shasum?: string }): ExpectedDigest[] {
  const expected: ExpectedDigest[] = [];
  const sha512 = sriHex(dist.integrity, 'sha512');
  if (sha512) expected.push({ algorithm: 'sha512', hex: sha512 });
  const shasum = dist.shasum && /^[0-9a-fA-F]{40}$/.test(dist.shasum) ? dist.shasum.toLowerCase() : null;
  const sha1 = shasum ?? (sha512 ? null : sriHex(dist.integrity, 'sha1'));
  if (sha1) expected.push({ algorithm: 'sha1', hex: sha1 });
  return expected;
}

/** True when there is something to check and every expected digest matches the bytes' hashes. */
export function digestsMatch(expected: readonly ExpectedDigest[], actual: Readonly<Partial<Record<TarballAlgorithm, string>>>): boolean {
  return expected.length > 0 && expected.every((digest) => actual[digest.algorithm]?.toLowerCase() === digest.hex);
}

/** The one digest the download is checked against while streaming: sha512 when published, else sha1. */
export function primaryTarballDigest(dist: { integrity?: string; shasum?: string }): ExpectedDigest | null {
  return expectedTarballDigests(dist)[0] ?? null;
}
