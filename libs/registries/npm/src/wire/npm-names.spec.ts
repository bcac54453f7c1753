import { highestVersion, isValidVersion, parseNpmName, tarballFilename, tarballPath } from './npm-names';

describe('npm names', () => {
  it('parses plain and scoped names', () => {
    expect(parseNpmName('demo-lib')).toEqual({ full: 'demo-lib', scope: null, bare: 'demo-lib' });
    expect(parseNpmName('@team/lib.js')).toEqual({ full: '@team/lib.js', scope: 'team', bare: 'lib.js' });
  });

  it.each(['', 'Upper', '.hidden', '_under', '@/x', '@team/', '@team', 'a b', 'x/y', '@a/b/c', 'x'.repeat(215), '../etc'])('refuses %j', (name) => {
    expect(parseNpmName(name)).toBeNull();
  });

  it('accepts strict semver only', () => {
    expect(isValidVersion('1.0.0')).toBe(true);
    expect(isValidVersion('2.0.0-beta.1')).toBe(true);
    expect(isValidVersion('v1.0.0')).toBe(false);
    expect(isValidVersion('1.0')).toBe(false);
    expect(isValidVersion('not-a-version')).toBe(false);
    expect(isValidVersion(1)).toBe(false);
  });

  it('builds tarball names like npmjs', () => {
    const scoped = parseNpmName('@team/lib')!;
    expect(tarballFilename(scoped, '1.0.0')).toBe('lib-1.0.0.tgz');
    expect(tarballPath(scoped, '1.0.0')).toBe('@team/lib/-/lib-1.0.0.tgz');
  });

  it('picks the highest release as latest, a prerelease only when nothing else exists', () => {
    expect(highestVersion(['1.0.0', '1.10.0', '1.2.0', '2.0.0-rc.1'])).toBe('1.10.0');
    expect(highestVersion(['2.0.0-rc.1', '2.0.0-rc.2'])).toBe('2.0.0-rc.2');
    expect(highestVersion([])).toBeUndefined();
  });
});
