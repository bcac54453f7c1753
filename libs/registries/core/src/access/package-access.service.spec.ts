import { AccessService, IdentityService, Organization, PackageType, Principal, TokenPrincipal, UserPrincipal, ANONYMOUS } from '@packgate/auth';
import type { Package } from '../entities';
import type { PackageService } from '../package.service';
import type { UpstreamSettingsService } from '../upstream/upstream-settings.service';
import { PackageAccess, PackageAccessOptions } from './package-access.service';
import { PackageRefusal, PackageTarget } from './package-refusal';

const ORG = { id: 1, slug: 'acme' } as Organization;

function pkg(type: PackageType, name: string, settings: Partial<Package> = {}): Package {
  return { id: 7, orgId: 1, type, name, normalizedName: name, private: true, permissionMode: 'standard', ...settings } as Package;
}

function user(roles: string[], org = 'acme'): UserPrincipal {
  return { kind: 'user', via: 'password', userId: 2, username: 'u', isAdmin: false, memberships: new Map([[org, new Set(roles)]]), restrictions: [] };
}

function token(roles: string[], org = 'acme'): TokenPrincipal {
  return {
    kind: 'token', tokenId: 't1', userId: 2, username: 'u', org, tokenRoles: new Set(roles), creatorRoles: new Set(['org:admin']),
    creatorIsMember: true, creatorIsAdmin: false, caveats: [], recordExpiresAt: null, restrictions: [],
  };
}

/** The step over an in-memory org and package list (no database). */
function step(packages: Package[], org: Organization | null = ORG): PackageAccess {
  const identity = { findOrg: jest.fn(async (slug: string) => (org && slug === org.slug ? org : null)) } as unknown as IdentityService;
  const store = { findPackage: jest.fn(async (ref: { type: string; normalizedName: string }) => packages.find((p) => p.type === ref.type && p.normalizedName === ref.normalizedName) ?? null) } as unknown as PackageService;
  return new PackageAccess(identity, store, new AccessService(), { anonymousReads: async () => false } as unknown as UpstreamSettingsService);
}

async function outcome(access: PackageAccess, principal: Principal, target: PackageTarget, action: Parameters<PackageAccess['require']>[2], options?: PackageAccessOptions): Promise<string> {
  try {
    const { pkg } = await access.require(principal, target, action, options);
    return pkg ? 'allowed' : 'allowed (new)';
  } catch (error) {
    if (!(error instanceof PackageRefusal)) throw error;
    return error.kind;
  }
}

const target = (type: PackageType, name: string): PackageTarget => ({ org: 'acme', type, name });

describe('PackageAccess', () => {
  describe.each(['pypi', 'npm', 'docker'] as const)('reads of %s packages', (type) => {
    // npm takes tokens only: its registry reads are tried with a token, the others with a user too.
    const reader = type === 'npm' ? token([`${type}:read`]) : user([`${type}:read`]);
    const stranger = type === 'npm' ? token([]) : user([]);

    it('an unknown org is not-visible, for everyone', async () => {
      const access = step([], null);
      expect(await outcome(access, ANONYMOUS, target(type, 'a'), 'package:read')).toBe('not-visible');
      expect(await outcome(access, reader, target(type, 'a'), 'package:read')).toBe('not-visible');
    });

    it('a missing package: unauthenticated for anonymous, not-visible with credentials (even with the role)', async () => {
      const access = step([]);
      expect(await outcome(access, ANONYMOUS, target(type, 'a'), 'package:read')).toBe('unauthenticated');
      expect(await outcome(access, reader, target(type, 'a'), 'package:read')).toBe('not-visible');
    });

    it('a private package: unauthenticated for anonymous, not-visible without the role, allowed with it', async () => {
      const access = step([pkg(type, 'a')]);
      expect(await outcome(access, ANONYMOUS, target(type, 'a'), 'package:read')).toBe('unauthenticated');
      expect(await outcome(access, stranger, target(type, 'a'), 'package:read')).toBe('not-visible');
      expect(await outcome(access, reader, target(type, 'a'), 'package:read')).toBe('allowed');
    });

    it('a public package is allowed to anyone', async () => {
      const access = step([pkg(type, 'a', { private: false })]);
      expect(await outcome(access, ANONYMOUS, target(type, 'a'), 'package:read')).toBe('allowed');
      expect(await outcome(access, stranger, target(type, 'a'), 'package:read')).toBe('allowed');
    });

    it('package mode needs the package role, not the format role', async () => {
      const access = step([pkg(type, 'a', { permissionMode: 'package' })]);
      expect(await outcome(access, reader, target(type, 'a'), 'package:read')).toBe('not-visible');
      const packageReader = type === 'npm' ? token([`${type}:a:read`]) : user([`${type}:a:read`]);
      expect(await outcome(access, packageReader, target(type, 'a'), 'package:read')).toBe('allowed');
    });

    it('without hiding (Docker), a refused read is denied', async () => {
      const access = step([pkg(type, 'a')]);
      expect(await outcome(access, stranger, target(type, 'a'), 'package:read', { hide: false })).toBe('denied');
    });
  });

  describe.each(['pypi', 'npm', 'docker'] as const)('writes of %s packages', (type) => {
    const writer = token([`${type}:write`]);
    const reader = token([`${type}:read`]);
    const stranger = token([]);

    it('anonymous is unauthenticated, whether the package exists or not', async () => {
      expect(await outcome(step([pkg(type, 'a')]), ANONYMOUS, target(type, 'a'), 'package:write')).toBe('unauthenticated');
      expect(await outcome(step([]), ANONYMOUS, target(type, 'a'), 'package:write')).toBe('unauthenticated');
    });

    it('a reader is denied with the evaluator reason', async () => {
      try {
        await step([pkg(type, 'a')]).require(reader, target(type, 'a'), 'package:write');
        throw new Error('allowed');
      } catch (error) {
        expect(error).toBeInstanceOf(PackageRefusal);
        expect((error as PackageRefusal).kind).toBe('denied');
        expect((error as PackageRefusal).reason).toBe(`needs role ${type}:write`);
      }
    });

    it('a caller who may not read an existing package gets not-visible (denied without hiding)', async () => {
      expect(await outcome(step([pkg(type, 'a')]), stranger, target(type, 'a'), 'package:write')).toBe('not-visible');
      expect(await outcome(step([pkg(type, 'a')]), stranger, target(type, 'a'), 'package:write', { hide: false })).toBe('denied');
    });

    it('a writer may create a new package; a package that must exist is not-visible', async () => {
      expect(await outcome(step([]), writer, target(type, 'a'), 'package:write')).toBe('allowed (new)');
      expect(await outcome(step([]), writer, target(type, 'a'), 'package:write', { existing: true })).toBe('not-visible');
      expect(await outcome(step([]), stranger, target(type, 'a'), 'package:write')).toBe('denied');
      expect(await outcome(step([pkg(type, 'a')]), writer, target(type, 'a'), 'package:write')).toBe('allowed');
    });

    it('a token of another org is not-visible', async () => {
      expect(await outcome(step([pkg(type, 'a')]), token([`${type}:write`], 'other'), target(type, 'a'), 'package:write')).toBe('not-visible');
    });
  });

  it('npm registry routes refuse user principals (tokens only), other formats take them', async () => {
    const access = step([pkg('npm', 'a'), pkg('pypi', 'a')]);
    expect(await outcome(access, user(['npm:read']), target('npm', 'a'), 'package:read')).toBe('not-visible');
    expect(await outcome(access, user(['pypi:read']), target('pypi', 'a'), 'package:read')).toBe('allowed');
    // The management view is not a registry client: a member with npm:read sees the package.
    expect(await outcome(access, user(['npm:read']), target('npm', 'a'), 'package:view')).toBe('allowed');
  });

  it('configure: not-visible without view, denied without org:admin, allowed for org:admin', async () => {
    const access = step([pkg('pypi', 'a')]);
    expect(await outcome(access, user([]), target('pypi', 'a'), 'package:configure')).toBe('not-visible');
    expect(await outcome(access, user(['pypi:write']), target('pypi', 'a'), 'package:configure')).toBe('denied');
    expect(await outcome(access, user(['org:admin']), target('pypi', 'a'), 'package:configure')).toBe('allowed');
  });

  it('a refusal carries the target and whether the caller was anonymous', async () => {
    const refusal = await step([], null).require(ANONYMOUS, { ...target('npm', '@s/a'), label: '@S/a' }, 'package:read').catch((error: unknown) => error as PackageRefusal);
    expect(refusal).toMatchObject({ kind: 'not-visible', missing: 'org', anonymous: true, label: '@S/a' });
  });

  it('visible() filters a listing with the same rules', () => {
    const list = [pkg('pypi', 'a'), pkg('pypi', 'b', { private: false }), pkg('pypi', 'c', { permissionMode: 'package' })];
    expect(step(list).visible(user(['pypi:read']), 'acme', list).map((p) => p.name)).toEqual(['a', 'b']);
    expect(step(list).visible(ANONYMOUS, 'acme', list).map((p) => p.name)).toEqual(['b']);
  });
});
