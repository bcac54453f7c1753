import { compareVersions, isValidVersion, normalizeVersion } from './pep440';

describe('PEP 440', () => {
  it.each([
    ['1.0', '1.0'],
    ['v1.0', '1.0'],
    ['1.0-RC1', '1.0rc1'],
    ['1.0.alpha.2', '1.0a2'],
    ['1.0c3', '1.0rc3'],
    ['1.0-1', '1.0.post1'],
    ['1.0.POST', '1.0.post0'],
    ['1.0-dev', '1.0.dev0'],
    ['1!2.0', '1!2.0'],
    ['0!2.0', '2.0'],
    ['1.0+Ubuntu-1', '1.0+ubuntu.1'],
    ['01.002', '1.2'],
  ])('normalises %s → %s', (input, expected) => {
    expect(normalizeVersion(input)).toBe(expected);
  });

  it('rejects what is not a version', () => {
    for (const bad of ['', 'latest', '1.0 beta', '1..0', '1.0+', 'x'.repeat(200)]) expect(isValidVersion(bad)).toBe(false);
  });

  it('orders like packaging.version', () => {
    const ordered = ['1.0.dev0', '1.0a1', '1.0a2.dev1', '1.0a2', '1.0b1', '1.0rc1', '1.0', '1.0+local', '1.0.post1.dev0', '1.0.post1', '1.1', '2.0', '1!0.1'];
    const shuffled = [...ordered].reverse();
    expect(shuffled.sort(compareVersions)).toEqual(ordered);
    expect(compareVersions('1.0', '1.0.0')).toBe(0);
    expect(compareVersions('1.10', '1.9')).toBeGreaterThan(0);
  });
});
