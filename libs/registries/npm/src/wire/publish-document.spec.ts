import { createHash } from 'node:crypto';
import { parseNpmName } from './npm-names';
import { hasAttachments, integrityOf, planPublish, verifyTarball } from './publish-document';

const tarball = Buffer.from('not really a tarball');
const sha512 = createHash('sha512').update(tarball).digest('hex');
const sha1 = createHash('sha1').update(tarball).digest('hex');
const name = parseNpmName('@team/lib')!;

function doc(overrides: Record<string, unknown> = {}, manifest: Record<string, unknown> = {}) {
  return {
    _id: '@team/lib',
    name: '@team/lib',
    'dist-tags': { latest: '1.0.0' },
    versions: { '1.0.0': { name: '@team/lib', version: '1.0.0', custom: { kept: true }, dist: { integrity: integrityOf(sha512), shasum: sha1 }, ...manifest } },
    _attachments: { '@team/lib-1.0.0.tgz': { data: '', length: tarball.length } },
    ...overrides,
  };
}

describe('planPublish', () => {
  it('reads version, tags and expected digests, keeping unknown manifest fields', () => {
    const plan = planPublish(doc(), name, '@team/lib-1.0.0.tgz');
    expect(plan.version).toBe('1.0.0');
    expect(plan.tags).toEqual(['latest']);
    expect(plan.manifest.custom).toEqual({ kept: true });
    expect(() => verifyTarball(plan, { size: tarball.length, sha512, sha1 })).not.toThrow();
  });

  it('tells a publish from a metadata edit', () => {
    expect(hasAttachments(doc())).toBe(true);
    expect(hasAttachments({ name: 'x', versions: {} })).toBe(false);
  });

  it.each([
    ['name mismatch', doc({ name: '@team/other' }), /does not match the URL/],
    ['_id mismatch', doc({ _id: 'other' }), /_id/],
    ['manifest name mismatch', doc({}, { name: 'other' }), /does not match the URL/],
    ['invalid semver', doc({ versions: { 'one.two': { name: '@team/lib', version: 'one.two' } } }), /valid semver/],
    ['two versions', doc({ versions: { '1.0.0': {}, '1.0.1': {} } }), /exactly one version/],
    ['no digests', doc({}, { dist: {} }), /integrity or shasum/],
    ['wrong attachment name', doc({ _attachments: { 'lib-1.0.0.tgz': { data: '' } } }), /exactly one tarball|named/],
  ])('refuses %s', (_label, body, message) => {
    const key = Object.keys((body as { _attachments: object })._attachments)[0];
    expect(() => planPublish(body as Record<string, unknown>, name, key)).toThrow(message);
  });

  it('refuses bytes that do not match integrity, shasum or length', () => {
    const plan = planPublish(doc(), name, '@team/lib-1.0.0.tgz');
    const other = createHash('sha512').update('x').digest('hex');
    expect(() => verifyTarball(plan, { size: tarball.length, sha512: other, sha1 })).toThrow(/dist.integrity/);
    expect(() => verifyTarball(plan, { size: 3, sha512, sha1 })).toThrow(/length/);
    const shaOnly = planPublish(doc({}, { dist: { shasum: '0'.repeat(40) } }), name, '@team/lib-1.0.0.tgz');
    expect(() => verifyTarball(shaOnly, { size: tarball.length, sha512, sha1 })).toThrow(/shasum/);
  });
});
