import { abbreviatePackument, buildPackument, wantsAbbreviated } from './packument';

const created = new Date('2026-01-01T00:00:00Z');
const input = {
  name: '@team/lib',
  rev: '3-abc',
  distTags: { latest: '1.1.0', beta: '2.0.0-beta.1', stale: '0.0.1' },
  created,
  modified: new Date('2026-01-03T00:00:00Z'),
  versions: [
    { version: '1.0.0', manifest: { name: '@team/lib', version: '1.0.0', description: 'old', dist: { integrity: 'sha512-client', tarball: 'http://client/ignored' } }, createdAt: created, tarball: { url: 'http://r/default/npm/@team/lib/-/lib-1.0.0.tgz', integrity: 'sha512-AAA', shasum: 'aa' } },
    { version: '1.1.0', manifest: { name: '@team/lib', version: '1.1.0', description: 'new', license: 'MIT', dependencies: { dep: '^1.0.0' }, scripts: { postinstall: 'x' }, deprecated: 'use 2', custom: 1, readme: '# new', readmeFilename: 'README.md' }, createdAt: new Date('2026-01-02T00:00:00Z'), tarball: { url: 'http://r/t2', integrity: 'sha512-BBB', shasum: 'bb' } },
    { version: '2.0.0-beta.1', manifest: {}, createdAt: new Date('2026-01-03T00:00:00Z'), tarball: { url: 'http://r/t3' } },
  ],
};

describe('packument', () => {
  it('builds the full document with server-side tarball URLs and digests', () => {
    const doc = buildPackument(input);
    expect(doc._id).toBe('@team/lib');
    expect(doc._rev).toBe('3-abc');
    expect(doc['dist-tags']).toEqual({ latest: '1.1.0', beta: '2.0.0-beta.1' });
    expect(doc.description).toBe('new');
    expect(doc.license).toBe('MIT');
    expect(doc.versions['1.0.0'].dist).toEqual({ tarball: 'http://r/default/npm/@team/lib/-/lib-1.0.0.tgz', integrity: 'sha512-AAA', shasum: 'aa' });
    expect(doc.versions['1.1.0']).toMatchObject({ _id: '@team/lib@1.1.0', custom: 1, deprecated: 'use 2' });
    expect(doc.versions['1.1.0'].readme).toBeUndefined();
    expect(doc.readme).toBe('# new');
    expect(doc.time).toMatchObject({ created: '2026-01-01T00:00:00.000Z', '1.1.0': '2026-01-02T00:00:00.000Z' });
  });

  it('abbreviates to the install fields', () => {
    const short = abbreviatePackument(buildPackument(input));
    expect(Object.keys(short).sort()).toEqual(['dist-tags', 'modified', 'name', 'versions']);
    expect(short.versions['1.1.0']).toEqual({
      name: '@team/lib',
      version: '1.1.0',
      license: 'MIT',
      dependencies: { dep: '^1.0.0' },
      deprecated: 'use 2',
      hasInstallScript: true,
      dist: { tarball: 'http://r/t2', integrity: 'sha512-BBB', shasum: 'bb' },
    });
  });

  it('recognises the corgi Accept header', () => {
    expect(wantsAbbreviated('application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*')).toBe(true);
    expect(wantsAbbreviated('application/json')).toBe(false);
    expect(wantsAbbreviated(undefined)).toBe(false);
  });
});
