import { createHash } from 'node:crypto';
import { digestsMatch, expectedTarballDigests } from './tarball-digest';

const bytes = Buffer.from('tarball bytes');
const sha512 = createHash('sha512').update(bytes).digest();
const sha1 = createHash('sha1').update(bytes).digest();
const actual = { sha512: sha512.toString('hex'), sha1: sha1.toString('hex') };

describe('proxied tarball digests', () => {
  it('takes the sha512 of dist.integrity and the sha1 of dist.shasum', () => {
    const expected = expectedTarballDigests({ integrity: `sha512-${sha512.toString('base64')}`, shasum: sha1.toString('hex').toUpperCase() });
    expect(expected.map((d) => d.algorithm)).toEqual(['sha512', 'sha1']);
    expect(digestsMatch(expected, actual)).toBe(true);
  });

  it('picks sha512 out of a multi-hash SRI string and ignores unknown algorithms', () => {
    const expected = expectedTarballDigests({ integrity: `sha384-AAAA sha512-${sha512.toString('base64')}?opt` });
    expect(expected).toEqual([{ algorithm: 'sha512', hex: actual.sha512 }]);
  });

  it('falls back to sha1 (shasum, or sha1 in integrity) when there is no sha512', () => {
    expect(expectedTarballDigests({ shasum: actual.sha1 })).toEqual([{ algorithm: 'sha1', hex: actual.sha1 }]);
    expect(expectedTarballDigests({ integrity: `sha1-${sha1.toString('base64')}` })).toEqual([{ algorithm: 'sha1', hex: actual.sha1 }]);
  });

  it('refuses when nothing can be checked or any digest differs', () => {
    expect(expectedTarballDigests({})).toEqual([]);
    expect(expectedTarballDigests({ integrity: 'sha512-short', shasum: 'not-hex' })).toEqual([]);
    expect(digestsMatch([], actual)).toBe(false);
    const other = createHash('sha512').update('other').digest('base64');
    expect(digestsMatch(expectedTarballDigests({ integrity: `sha512-${other}`, shasum: actual.sha1 }), actual)).toBe(false);
    expect(digestsMatch(expectedTarballDigests({ integrity: `sha512-${sha512.toString('base64')}`, shasum: '0'.repeat(40) }), actual)).toBe(false);
  });
});
