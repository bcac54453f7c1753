import { decodeToken, deriveRootKey, mintToken, verifyTokenSignature } from '@packgate/auth';
import { UsageError, parseArgs } from './args';
import { iniList, iniSet } from './configure';
import { parseWhen, relative } from './time';
import { decode, derive, describeCaveat } from './token';

const NOW = Date.UTC(2027, 0, 1, 12, 0, 0);
const SECRET = Buffer.from('0123456789abcdef0123456789abcdef');
const ID = '6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f';

describe('parseWhen', () => {
  it('takes durations, ISO dates and never', () => {
    const base = NOW / 1000;
    expect(parseWhen('30m', NOW)).toBe(base + 1800);
    expect(parseWhen('12h', NOW)).toBe(base + 43200);
    expect(parseWhen('7d', NOW)).toBe(base + 7 * 86400);
    expect(parseWhen('2w', NOW)).toBe(base + 14 * 86400);
    expect(parseWhen('2027-01-31', NOW)).toBe(Date.UTC(2027, 0, 31) / 1000);
    expect(parseWhen('2027-01-31T10:00:00+02:00', NOW)).toBe(Date.UTC(2027, 0, 31, 8) / 1000);
    expect(parseWhen('never', NOW)).toBeNull();
  });
  it.each(['', 'soon', '7', '7 days', '-1d', '2027-13-45', 'tomorrow'])('refuses %p', (text) => {
    expect(() => parseWhen(text, NOW)).toThrow(UsageError);
  });
});

describe('relative', () => {
  it('speaks in whole units, rounded down', () => {
    const base = NOW / 1000;
    expect(relative(base + 30 * 86400 - 5, NOW)).toBe('in 29 days');
    expect(relative(base + 86400, NOW)).toBe('in 24 hours');
    expect(relative(base + 3 * 3600, NOW)).toBe('in 3 hours');
    expect(relative(base + 60, NOW)).toBe('in 60 seconds');
    expect(relative(base - 120, NOW)).toBe('2 minutes ago');
    expect(relative(base - 3 * 86400, NOW)).toBe('3 days ago');
  });
});

describe('describeCaveat', () => {
  it('explains every documented caveat and flags unknown ones', () => {
    const base = NOW / 1000;
    expect(describeCaveat(`expires=${base + 29 * 86400 + 100}`, NOW)).toBe('expires 2027-01-30T12:01:40Z (in 29 days)');
    expect(describeCaveat(`expires=${base - 100}`, NOW)).toMatch(/^EXPIRED .* \(1 minute ago\)$/);
    expect(describeCaveat(`not_before=${base + 7200}`, NOW)).toBe('not valid before 2027-01-01T14:00:00Z (in 2 hours)');
    expect(describeCaveat('roles=pypi:read,api', NOW)).toBe('only these roles, if the token holds them: pypi:read, api');
    expect(describeCaveat('packages=pypi:demo-*', NOW)).toBe('only packages: pypi:demo-*');
    expect(describeCaveat('actions=read', NOW)).toBe('only actions: read (read-only)');
    expect(describeCaveat('ip=10.0.0.0/8', NOW)).toBe('only from addresses: 10.0.0.0/8');
    expect(describeCaveat('orgs=acme', NOW)).toBe('only in orgs: acme');
    expect(describeCaveat('admin=1', NOW)).toMatch(/^UNKNOWN caveat "admin"/);
  });
});

describe('derive (offline) matches the server codec', () => {
  it('appends caveats the server verifies with the root key', () => {
    const token = mintToken(SECRET, ID, 'n');
    let derived = token;
    for (let i = 0; i < 6; i += 1) derived = derive(derived, [`expires=${2_000_000_000 + i}`]);
    const decoded = decodeToken(derived);
    expect(decoded.conditions).toHaveLength(6);
    expect(() => verifyTokenSignature(decoded, deriveRootKey(SECRET, ID, 'n'))).not.toThrow();
    expect(decode(derived).caveats).toEqual(decoded.conditions);
  });

  it('refuses a packages glob beyond the server limits, with the server message', () => {
    const token = mintToken(SECRET, ID, 'n');
    expect(() => derive(token, [`packages=pypi:${'*a'.repeat(11)}`])).toThrow('caveat packages pattern has more than 10 wildcards');
    expect(() => derive(token, [`packages=pypi:${'a'.repeat(201)}`])).toThrow('caveat packages pattern longer than 200 characters');
  });
});

describe('parseArgs', () => {
  const spec = { options: { '-r': 'roles', '--roles': 'roles', '-e': 'expires' }, flags: { '--json': 'json' }, lists: ['roles'] };
  it('accumulates lists, accepts --x=value and keeps positionals', () => {
    expect(parseArgs(['-r', 'a,b', '--roles=c', '-e', '7d', 'pos', '--json'], spec)).toEqual({ values: { roles: ['a', 'b', 'c'], expires: '7d', json: true }, positional: ['pos'] });
  });
  it('refuses unknown options and missing values', () => {
    expect(() => parseArgs(['--nope'], spec)).toThrow('unknown option --nope');
    expect(() => parseArgs(['-e'], spec)).toThrow('-e needs a value');
    expect(() => parseArgs(['--roles'], spec)).toThrow('--roles needs a value');
    expect(() => parseArgs(['--json=yes'], spec)).toThrow('--json takes no value');
    expect(() => parseArgs(['-r', ' , '], spec)).toThrow('-r needs a comma-separated list');
  });
  it('takes the next word as the value even when it starts with a dash, and stops at --', () => {
    expect(parseArgs(['-e', '-5d', '-', '--', '--json'], spec)).toEqual({ values: { expires: '-5d' }, positional: ['-', '--json'] });
  });
});

describe('ini editing', () => {
  it('replaces a key in place, keeps other sections, appends missing sections', () => {
    const text = '[global]\ntimeout = 10\nindex-url = https://old\n  continued\n\n[install]\nuser = true\n';
    const out = iniSet(text, 'global', 'index-url', 'https://new');
    expect(out).toBe('[global]\ntimeout = 10\nindex-url = https://new\n\n[install]\nuser = true\n');
    expect(iniSet('', 'global', 'a', 'b')).toBe('[global]\na = b\n');
    expect(iniSet('[x]\ny = 1\n', 'global', 'a', 'b')).toBe('[x]\ny = 1\n\n[global]\na = b\n');
    expect(iniList('[distutils]\nindex-servers =\n    pypi\n    testpypi\n', 'distutils', 'index-servers')).toEqual(['pypi', 'testpypi']);
  });
});
