import type { AccessRequest, PackageResource } from './access-request';
import { can, canCreatorGrant, effectiveRoles } from './evaluator';
import { ANONYMOUS, Principal, TokenPrincipal, UserPrincipal } from './principal';
import type { Restriction } from './restriction';

/** The roles table (README "Access control"), row by row: each rule allowed and denied per credential kind. */

const user = (roles: string[], options: Partial<UserPrincipal> = {}, org = 'acme'): UserPrincipal => ({
  kind: 'user',
  via: 'password',
  userId: 1,
  username: 'u',
  isAdmin: false,
  memberships: new Map([[org, new Set(roles)]]),
  restrictions: [],
  ...options,
});

const token = (tokenRoles: string[], creatorRoles: string[], options: Partial<TokenPrincipal> = {}): TokenPrincipal => ({
  kind: 'token',
  tokenId: '00000000-0000-0000-0000-000000000001',
  userId: 1,
  username: 'u',
  org: 'acme',
  tokenRoles: new Set(tokenRoles),
  creatorRoles: new Set(creatorRoles),
  creatorIsMember: true,
  creatorIsAdmin: false,
  caveats: [],
  recordExpiresAt: null,
  restrictions: [],
  ...options,
});

const pkg = (type: PackageResource['type'], name: string, extra: Partial<PackageResource> = {}): PackageResource => ({ kind: 'package', org: 'acme', type, name, private: true, permissionMode: 'standard', ...extra });
const read = (resource: PackageResource): AccessRequest => ({ action: 'package:read', resource });
const write = (resource: PackageResource): AccessRequest => ({ action: 'package:write', resource });
const org = (action: Extract<AccessRequest, { resource: { kind: 'org' } }>['action'], slug = 'acme'): AccessRequest => ({ action, resource: { kind: 'org', org: slug } });
const allowed = (principal: Principal, request: AccessRequest) => can(principal, request).allowed;

describe('format roles in standard mode', () => {
  for (const type of ['pypi', 'docker'] as const) {
    it(`${type}:read reads but does not write, for users and tokens`, () => {
      for (const principal of [user([`${type}:read`]), token([`${type}:read`], [`${type}:read`])]) {
        expect(allowed(principal, read(pkg(type, 'x')))).toBe(true);
        expect(allowed(principal, write(pkg(type, 'x')))).toBe(false);
      }
    });
    it(`${type}:write implies read`, () => {
      for (const principal of [user([`${type}:write`]), token([`${type}:write`], [`${type}:write`])]) {
        expect(allowed(principal, read(pkg(type, 'x')))).toBe(true);
        expect(allowed(principal, write(pkg(type, 'x')))).toBe(true);
      }
    });
    it(`${type} roles do not reach other formats`, () => {
      const other = type === 'pypi' ? 'docker' : 'pypi';
      expect(allowed(user([`${type}:write`]), read(pkg(other, 'x')))).toBe(false);
      expect(allowed(token([`${type}:write`], [`${type}:write`]), read(pkg(other, 'x')))).toBe(false);
    });
  }

  it('deletes need write, like pushes', () => {
    const remove = (resource: PackageResource): AccessRequest => ({ action: 'package:delete', resource });
    expect(allowed(user(['docker:write']), remove(pkg('docker', 'acme/app')))).toBe(true);
    expect(allowed(token(['docker:write'], ['docker:write']), remove(pkg('docker', 'acme/app')))).toBe(true);
    expect(allowed(user(['docker:read']), remove(pkg('docker', 'acme/app')))).toBe(false);
    expect(allowed(ANONYMOUS, remove(pkg('docker', 'acme/app', { private: false })))).toBe(false);
  });

  it('npm roles act only through tokens', () => {
    expect(allowed(token(['npm:write'], ['npm:write']), write(pkg('npm', 'lib')))).toBe(true);
    expect(allowed(token(['npm:read'], ['npm:read']), read(pkg('npm', 'lib')))).toBe(true);
    expect(allowed(token(['npm:read'], ['npm:read']), write(pkg('npm', 'lib')))).toBe(false);
    expect(can(user(['npm:write']), read(pkg('npm', 'lib'))).reason).toBe('npm accepts access tokens only, not user credentials');
    expect(allowed(user(['npm:write'], { via: 'session' }), write(pkg('npm', 'lib')))).toBe(false);
    expect(allowed(user(['org:admin']), read(pkg('npm', 'lib')))).toBe(false);
  });

  it('users still see npm packages they hold roles for in the management API (package:view)', () => {
    const view = (resource: PackageResource): AccessRequest => ({ action: 'package:view', resource });
    expect(allowed(user(['npm:read'], { via: 'session' }), view(pkg('npm', 'lib')))).toBe(true);
    expect(allowed(user(['org:admin'], { via: 'session' }), view(pkg('npm', 'lib')))).toBe(true);
    expect(allowed(user(['pypi:read'], { via: 'session' }), view(pkg('npm', 'lib')))).toBe(false);
    expect(allowed(user(['npm:read'], { via: 'session' }), view(pkg('npm', 'lib', { permissionMode: 'package' })))).toBe(false);
    expect(allowed(ANONYMOUS, view(pkg('npm', 'lib', { private: false })))).toBe(true);
  });

  it('no role, no access', () => {
    expect(allowed(user(['dashboard']), read(pkg('pypi', 'x')))).toBe(false);
    expect(allowed(token(['api'], ['org:admin']), read(pkg('pypi', 'x')))).toBe(false);
  });

  it('org:admin reads and writes every package of its org', () => {
    expect(allowed(user(['org:admin']), write(pkg('pypi', 'x')))).toBe(true);
    expect(allowed(user(['org:admin']), write(pkg('docker', 'acme/app', { permissionMode: 'package' })))).toBe(true);
  });
});

describe('package-level mode', () => {
  const demo = pkg('pypi', 'demo', { permissionMode: 'package' });
  it('format roles stop counting; only the package roles do', () => {
    expect(allowed(user(['pypi:write']), read(demo))).toBe(false);
    expect(allowed(token(['pypi:write'], ['pypi:write']), write(demo))).toBe(false);
    expect(allowed(user(['pypi:demo:read']), read(demo))).toBe(true);
    expect(allowed(user(['pypi:demo:read']), write(demo))).toBe(false);
    expect(allowed(token(['pypi:demo:write'], ['pypi:demo:write']), write(demo))).toBe(true);
    expect(allowed(token(['pypi:demo:write'], ['pypi:demo:write']), read(demo))).toBe(true);
  });
  it('package roles do not reach other packages, nor standard-mode ones', () => {
    expect(allowed(user(['pypi:demo:write']), read(pkg('pypi', 'other', { permissionMode: 'package' })))).toBe(false);
    expect(allowed(user(['pypi:demo:write']), read(pkg('pypi', 'other')))).toBe(false);
  });
  it('npm package roles still act only through tokens', () => {
    const lib = pkg('npm', '@acme/lib', { permissionMode: 'package' });
    expect(allowed(token(['npm:@acme/lib:read'], ['npm:@acme/lib:read']), read(lib))).toBe(true);
    expect(allowed(user(['npm:@acme/lib:read']), read(lib))).toBe(false);
  });
});

describe('public packages', () => {
  const open = pkg('pypi', 'open', { private: false });
  it('are readable with no credentials at all', () => {
    expect(allowed(ANONYMOUS, read(open))).toBe(true);
    expect(allowed(ANONYMOUS, read(pkg('npm', 'open', { private: false })))).toBe(true);
  });
  it('writes are unaffected', () => {
    expect(allowed(ANONYMOUS, write(open))).toBe(false);
    expect(allowed(user(['pypi:read']), write(open))).toBe(false);
  });
  it('private packages are not readable anonymously; unknown packages count as private', () => {
    expect(can(ANONYMOUS, read(pkg('pypi', 'x'))).reason).toBe('authentication required');
    expect(allowed(ANONYMOUS, read({ kind: 'package', org: 'acme', type: 'pypi', name: 'new' }))).toBe(false);
  });
});

describe('dashboard, api and feed', () => {
  it('dashboard is for users only', () => {
    expect(allowed(user(['dashboard']), org('org:use-dashboard'))).toBe(true);
    expect(allowed(user(['pypi:read']), org('org:use-dashboard'))).toBe(false);
    expect(allowed(token(['dashboard'], ['dashboard']), org('org:use-dashboard'))).toBe(false);
    expect(canCreatorGrant(new Set(['dashboard']), 'dashboard')).toBe(false);
  });
  it('api is for tokens; users reach REST through a session, not a password', () => {
    expect(allowed(token(['api'], []), org('org:use-api'))).toBe(true);
    expect(allowed(token(['pypi:read'], ['pypi:read']), org('org:use-api'))).toBe(false);
    expect(allowed(user(['dashboard'], { via: 'session' }), org('org:use-api'))).toBe(true);
    expect(allowed(user(['dashboard'], { via: 'password' }), org('org:use-api'))).toBe(false);
    expect(allowed(ANONYMOUS, org('org:use-api'))).toBe(false);
    expect(allowed(token(['api'], []), { action: 'installation:use-api', resource: { kind: 'installation' } })).toBe(true);
    expect(allowed(user([], { via: 'password' }), { action: 'installation:use-api', resource: { kind: 'installation' } })).toBe(false);
  });
  it('feed is for tokens holding feed (and members)', () => {
    expect(allowed(token(['feed'], []), org('org:read-feed'))).toBe(true);
    expect(allowed(token(['api'], []), org('org:read-feed'))).toBe(false);
    expect(allowed(user(['dashboard'], { via: 'session' }), org('org:read-feed'))).toBe(true);
  });
  it('any member may put api or feed on their own tokens', () => {
    expect(canCreatorGrant(new Set(), 'api')).toBe(true);
    expect(canCreatorGrant(new Set(), 'feed')).toBe(true);
  });
});

describe('org:admin and token limits', () => {
  it('org:admin manages members, everyone’s tokens, audit and package settings', () => {
    const admin = user(['org:admin'], { via: 'session' });
    for (const action of ['org:manage-members', 'org:manage-all-tokens', 'org:read-audit'] as const) {
      expect(allowed(admin, org(action))).toBe(true);
      expect(allowed(user(['dashboard', 'pypi:write'], { via: 'session' }), org(action))).toBe(false);
    }
    expect(allowed(admin, { action: 'package:configure', resource: pkg('pypi', 'x') })).toBe(true);
    expect(allowed(user(['pypi:write']), { action: 'package:configure', resource: pkg('pypi', 'x') })).toBe(false);
  });
  it('a token never manages users nor holds org:admin, whatever its creator holds', () => {
    const adminToken = token(['api', 'org:admin'], ['org:admin']);
    expect(allowed(adminToken, org('org:manage-members'))).toBe(false);
    expect(allowed(adminToken, org('org:manage-all-tokens'))).toBe(false);
    expect(allowed(adminToken, { action: 'package:configure', resource: pkg('pypi', 'x') })).toBe(false);
    expect(effectiveRoles(adminToken, 'acme').has('org:admin')).toBe(false);
    expect(allowed(adminToken, { action: 'installation:manage-users', resource: { kind: 'installation' } })).toBe(false);
  });
  it('a token never exceeds what its creator may grant now', () => {
    expect(allowed(token(['pypi:write'], ['pypi:read']), write(pkg('pypi', 'x')))).toBe(false);
    expect(allowed(token(['pypi:read'], ['pypi:write']), read(pkg('pypi', 'x')))).toBe(true);
    expect(allowed(token(['pypi:write'], []), read(pkg('pypi', 'x')))).toBe(false);
    expect(allowed(token(['docker:write'], ['org:admin']), write(pkg('docker', 'acme/app')))).toBe(true);
  });
  it('a token of a creator who is no longer a member holds nothing, not even api or feed', () => {
    const removed = token(['api', 'feed', 'pypi:write'], [], { creatorIsMember: false });
    expect(effectiveRoles(removed, 'acme').size).toBe(0);
    for (const action of ['org:use-api', 'org:view', 'org:manage-own-tokens', 'org:read-feed'] as const) expect(allowed(removed, org(action))).toBe(false);
    expect(allowed(removed, { action: 'installation:use-api', resource: { kind: 'installation' } })).toBe(false);
    expect(allowed(removed, read(pkg('pypi', 'x')))).toBe(false);
    expect(allowed(removed, read(pkg('pypi', 'x', { private: false })))).toBe(true);
    // A member holding no roles still keeps api and feed on their tokens.
    expect([...effectiveRoles(token(['api', 'feed'], []), 'acme')].sort()).toEqual(['api', 'feed']);
  });
  it('grants: write covers read, org:admin covers every role, user-only roles never', () => {
    expect(canCreatorGrant(new Set(['pypi:write']), 'pypi:read')).toBe(true);
    expect(canCreatorGrant(new Set(['pypi:read']), 'pypi:write')).toBe(false);
    expect(canCreatorGrant(new Set(['org:admin']), 'npm:@acme/lib:write')).toBe(true);
    expect(canCreatorGrant(new Set(['org:admin']), 'org:admin')).toBe(false);
  });
  it('only installation admins (and their tokens) issue tokens that never expire', () => {
    const request = { action: 'installation:issue-unexpiring-tokens', resource: { kind: 'installation' } } as const;
    expect(allowed(user([], { isAdmin: true, via: 'session' }), request)).toBe(true);
    expect(allowed(token(['api'], [], { creatorIsAdmin: true }), request)).toBe(true);
    expect(allowed(user(['org:admin'], { via: 'session' }), request)).toBe(false);
    expect(allowed(token(['api'], ['org:admin']), request)).toBe(false);
    expect(allowed(ANONYMOUS, request)).toBe(false);
  });

  it('installation admin creates users and orgs; tokens never do', () => {
    const installationAdmin = user([], { isAdmin: true, via: 'session' });
    expect(allowed(installationAdmin, { action: 'installation:manage-users', resource: { kind: 'installation' } })).toBe(true);
    expect(allowed(user(['org:admin']), { action: 'installation:manage-orgs', resource: { kind: 'installation' } })).toBe(false);
    expect(allowed(token(['api'], [], { creatorIsAdmin: true }), { action: 'installation:manage-orgs', resource: { kind: 'installation' } })).toBe(false);
  });
});

describe('organizations', () => {
  it('nothing crosses from one org to another', () => {
    const other = (resource: PackageResource) => ({ ...resource, org: 'other' });
    expect(allowed(user(['pypi:write']), read(other(pkg('pypi', 'x'))))).toBe(false);
    expect(allowed(token(['pypi:write', 'api'], ['pypi:write']), read(other(pkg('pypi', 'x'))))).toBe(false);
    expect(allowed(token(['api'], []), org('org:use-api', 'other'))).toBe(false);
    expect(allowed(user(['org:admin'], { via: 'session' }), org('org:manage-members', 'other'))).toBe(false);
  });
  it('a public package of another org is readable like by anyone', () => {
    expect(allowed(token(['pypi:read'], ['pypi:read']), read({ ...pkg('pypi', 'x', { private: false }), org: 'other' }))).toBe(true);
  });
});

describe('restrictions (caveats, registry scopes)', () => {
  const onlyRead: Restriction = { name: 'caveat actions', check: (request) => (request.action === 'package:read' ? null : 'write is not in [read]') };
  it('are checked first and can only deny', () => {
    const restricted = token(['pypi:write'], ['pypi:write'], { restrictions: [onlyRead] });
    expect(allowed(restricted, read(pkg('pypi', 'x')))).toBe(true);
    expect(can(restricted, write(pkg('pypi', 'x'))).reason).toBe('caveat actions: write is not in [read]');
  });
  it('never grant what roles do not', () => {
    const permissive: Restriction = { name: 'noop', check: () => null };
    expect(allowed(token(['pypi:read'], ['pypi:read'], { restrictions: [permissive] }), write(pkg('pypi', 'x')))).toBe(false);
  });
});

describe('trusted publishers', () => {
  it('only an org admin user manages them; never a token, an installation admin outside the org, or another org', () => {
    expect(allowed(user(['org:admin'], { via: 'session' }), org('org:manage-trusted-publishers'))).toBe(true);
    expect(allowed(user(['dashboard', 'pypi:write', 'npm:write'], { via: 'session' }), org('org:manage-trusted-publishers'))).toBe(false);
    expect(allowed(user(['org:admin'], { via: 'session' }), org('org:manage-trusted-publishers', 'other'))).toBe(false);
    expect(allowed(user([], { via: 'session', isAdmin: true }, 'other'), org('org:manage-trusted-publishers'))).toBe(false);
    expect(allowed(token(['api', 'pypi:write'], ['org:admin'], { creatorIsAdmin: true }), org('org:manage-trusted-publishers'))).toBe(false);
  });
});

describe('content proxied from an upstream', () => {
  const proxied = (anonymous: boolean) => pkg('pypi', 'requests', { source: 'upstream', upstreamAnonymousReads: anonymous });

  it('needs the format read role like a private package, unless the org allows anonymous reads', () => {
    expect(allowed(ANONYMOUS, read(proxied(false)))).toBe(false);
    expect(allowed(user(['pypi:read']), read(proxied(false)))).toBe(true);
    expect(allowed(user(['npm:read']), read(proxied(false)))).toBe(false);
    expect(allowed(ANONYMOUS, read(proxied(true)))).toBe(true);
  });

  it('the switch never opens writes, local packages, or past restrictions', () => {
    expect(allowed(ANONYMOUS, write(proxied(true)))).toBe(false);
    expect(allowed(user(['pypi:read']), write(proxied(true)))).toBe(false);
    expect(allowed(ANONYMOUS, read(pkg('pypi', 'mine', { source: 'local', upstreamAnonymousReads: true })))).toBe(false);
    const narrowed: Restriction = { name: 'caveat packages', check: () => 'not in [npm:*]' };
    expect(allowed(token(['pypi:read'], ['pypi:read'], { restrictions: [narrowed] }), read(proxied(true)))).toBe(false);
  });

  it('only org admins, as users, manage upstreams', () => {
    expect(allowed(user(['org:admin']), org('org:manage-upstreams'))).toBe(true);
    expect(allowed(user(['pypi:write', 'dashboard']), org('org:manage-upstreams'))).toBe(false);
    expect(allowed(user(['org:admin'], {}, 'other'), org('org:manage-upstreams'))).toBe(false);
    expect(allowed(token(['api'], ['org:admin']), org('org:manage-upstreams'))).toBe(false);
    expect(allowed(ANONYMOUS, org('org:manage-upstreams'))).toBe(false);
  });
});
