import { filenameProblem, matchDistributionFilename } from './distribution-filename';

describe('distribution filenames', () => {
  const wheel = { name: 'Demo.Pkg', version: '1.0rc1', filetype: 'bdist_wheel' };
  const sdist = { name: 'demo-pkg', version: '1.0', filetype: 'sdist' };

  it('matches wheels by normalised name and version', () => {
    expect(matchDistributionFilename('demo_pkg-1.0rc1-py3-none-any.whl', wheel)).toMatchObject({ ok: true, parsed: { kind: 'bdist_wheel', pythonTag: 'py3' } });
    expect(matchDistributionFilename('Demo.Pkg-1.0-rc1-1-cp311-cp311-manylinux_2_17_x86_64.whl', wheel).ok).toBe(false);
    expect(matchDistributionFilename('demo_pkg-1.0.0rc1-1-cp311-cp311-linux_x86_64.whl', wheel)).toMatchObject({ ok: true });
  });

  it('matches sdists including legacy names with dashes', () => {
    expect(matchDistributionFilename('demo_pkg-1.0.tar.gz', sdist).ok).toBe(true);
    expect(matchDistributionFilename('demo-pkg-1.0.zip', sdist).ok).toBe(true);
    expect(matchDistributionFilename('demo-pkg-1.1.tar.gz', sdist)).toMatchObject({ ok: false, reason: expect.stringContaining('does not match') });
    expect(matchDistributionFilename('other-1.0.tar.gz', sdist).ok).toBe(false);
  });

  it('refuses a filename whose type disagrees with filetype', () => {
    expect(matchDistributionFilename('demo_pkg-1.0.tar.gz', { ...sdist, filetype: 'bdist_wheel' })).toMatchObject({ ok: false });
    expect(matchDistributionFilename('demo_pkg-1.0-py3-none-any.whl', sdist)).toMatchObject({ ok: false });
  });

  it('refuses paths, odd characters and unknown archive types', () => {
    expect(filenameProblem('../demo_pkg-1.0.tar.gz')).toMatch(/path separators/);
    expect(filenameProblem('a\\b.whl')).toMatch(/path separators/);
    expect(filenameProblem('demo pkg-1.0.tar.gz')).toMatch(/characters/);
    expect(filenameProblem('demo_pkg-1.0.exe')).toMatch(/only wheels/);
    expect(filenameProblem('demo_pkg-1.0.tar.gz\u0000.whl')).toMatch(/characters/);
    expect(filenameProblem('')).toMatch(/no filename/);
    expect(filenameProblem(`${'a'.repeat(300)}.whl`)).toMatch(/longer/);
    expect(filenameProblem('demo_pkg-1.0-py3-none-any.whl')).toBeNull();
  });
});
