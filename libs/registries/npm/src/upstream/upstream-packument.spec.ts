import { parseNpmName } from '../wire/npm-names';
import { abbreviatePackument } from '../wire/packument';
import { UpstreamDocumentError, parseUpstreamPackument, rewriteUpstreamPackument, upstreamTarballFor } from './upstream-packument';

const name = parseNpmName('@pub/lib')!;
const upstream = {
  _id: '@pub/lib',
  _rev: '7-abc',
  name: '@pub/lib',
  'dist-tags': { latest: '1.1.0', gone: '9.9.9', odd: 5 },
  users: { someone: true },
  _attachments: {},
  time: { created: '2026-01-01T00:00:00.000Z', modified: '2026-01-02T00:00:00.000Z', '1.1.0': '2026-01-02T00:00:00.000Z' },
  readme: '# lib',
  versions: {
    '1.0.0': { name: '@pub/lib', version: '1.0.0', dist: { tarball: 'http://up/@pub/lib/-/lib-1.0.0.tgz', shasum: 'aa' } },
    '1.1.0': {
      name: '@pub/lib',
      version: '1.1.0',
      dependencies: { dep: '^1' },
      dist: { tarball: 'http://up/@pub/lib/-/lib-1.1.0.tgz', integrity: 'sha512-BBB', shasum: 'bb', signatures: [{ keyid: 'k' }], attestations: { url: 'http://up/att' } },
    },
    'not-semver': { dist: { tarball: 'http://up/x.tgz' } },
    '2.0.0': { name: '@pub/lib', version: '2.0.0' },
  },
};

describe('upstream packuments', () => {
  it('rewrites tarball URLs to the org registry and drops upstream bookkeeping', () => {
    const doc = rewriteUpstreamPackument(parseUpstreamPackument(JSON.stringify(upstream), name), name, 'http://pg:8080/', 'acme', new Date());
    expect(Object.keys(doc.versions).sort()).toEqual(['1.0.0', '1.1.0']);
    expect(doc.versions['1.1.0'].dist).toEqual({ tarball: 'http://pg:8080/acme/npm/@pub/lib/-/lib-1.1.0.tgz', integrity: 'sha512-BBB', shasum: 'bb' });
    expect(doc.versions['1.1.0']).toMatchObject({ _id: '@pub/lib@1.1.0', dependencies: { dep: '^1' } });
    expect(doc['dist-tags']).toEqual({ latest: '1.1.0' });
    expect(doc).not.toHaveProperty('_rev');
    expect(doc).not.toHaveProperty('users');
    expect(doc).not.toHaveProperty('_attachments');
    expect(doc.readme).toBe('# lib');
    expect(JSON.stringify(doc)).not.toContain('http://up/');
    const corgi = abbreviatePackument(doc);
    expect(corgi.modified).toBe('2026-01-02T00:00:00.000Z');
    expect(corgi.versions['1.1.0'].dist).toEqual(doc.versions['1.1.0'].dist);
  });

  it('finds the upstream location and digests of a tarball by its Packgate file name', () => {
    const doc = parseUpstreamPackument(JSON.stringify(upstream), name);
    expect(upstreamTarballFor(doc, name, 'lib-1.1.0.tgz')).toMatchObject({ version: '1.1.0', url: 'http://up/@pub/lib/-/lib-1.1.0.tgz', integrity: 'sha512-BBB', shasum: 'bb' });
    expect(upstreamTarballFor(doc, name, 'lib-2.0.0.tgz')).toBeNull();
    expect(upstreamTarballFor(doc, name, '../lib-1.1.0.tgz')).toBeNull();
  });

  it('refuses what is not a packument of this name', () => {
    expect(() => parseUpstreamPackument('<html>', name)).toThrow(UpstreamDocumentError);
    expect(() => parseUpstreamPackument('[]', name)).toThrow(UpstreamDocumentError);
    expect(() => parseUpstreamPackument(JSON.stringify({ ...upstream, name: '@pub/other' }), name)).toThrow('another package');
    expect(() => parseUpstreamPackument(JSON.stringify({ name: '@pub/lib' }), name)).toThrow('no versions');
  });
});
