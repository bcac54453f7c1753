import type { UpstreamSettingsService } from '../upstream/upstream-settings.service';
import { BadRequestException, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ANONYMOUS, AccessService, IdentityService, Organization, Principal, UserPrincipal, setPrincipal } from '@packgate/auth';
import type { Package } from '../entities';
import type { PackageService } from '../package.service';
import { PackageAccessGuard, PackageAccessRequired, packageTargetOf } from './package-access.guard';
import { PackageAccess } from './package-access.service';
import { PackageRefusal } from './package-refusal';

const ORG = { id: 1, slug: 'acme' } as Organization;
const PROJECT = { id: 7, orgId: 1, type: 'pypi', name: 'Demo_Pkg', normalizedName: 'demo-pkg', private: true, permissionMode: 'standard' } as Package;

class Routes {
  @PackageAccessRequired('package:view')
  rest(): void {}

  @PackageAccessRequired('package:write', { type: 'pypi', existing: true })
  pypiWrite(): void {}

  unguarded(): void {}
}

const member = (roles: string[]): UserPrincipal => ({ kind: 'user', via: 'session', userId: 2, username: 'u', isAdmin: false, memberships: new Map([['acme', new Set(roles)]]), restrictions: [] });

function guard() {
  const identity = { findOrg: async (slug: string) => (slug === ORG.slug ? ORG : null) } as unknown as IdentityService;
  const packages = { findPackage: async (ref: { type: string; normalizedName: string }) => (ref.type === PROJECT.type && ref.normalizedName === PROJECT.normalizedName ? { ...PROJECT } : null) } as unknown as PackageService;
  return new PackageAccessGuard(new Reflector(), new PackageAccess(identity, packages, new AccessService(), { anonymousReads: async () => false } as unknown as UpstreamSettingsService));
}

function contextFor(route: keyof Routes, params: Record<string, string>, principal: Principal) {
  const req = { params } as unknown as Request;
  setPrincipal(req, principal);
  const ctx = { getHandler: () => Routes.prototype[route], getClass: () => Routes, switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
  return ctx;
}

async function outcome(route: keyof Routes, params: Record<string, string>, principal: Principal): Promise<string> {
  try {
    return (await guard().canActivate(contextFor(route, params, principal))) ? 'pass' : 'blocked';
  } catch (error) {
    if (error instanceof PackageRefusal) return error.kind;
    if (error instanceof BadRequestException) return 'bad-request';
    throw error;
  }
}

describe('PackageAccessRequired guard', () => {
  it('reads {org, type, name} from route parameters, normalizing the name for its type', () => {
    expect(packageTargetOf({ org: 'acme', type: 'pypi', name: 'Demo_Pkg' })).toEqual({ org: 'acme', type: 'pypi', name: 'demo-pkg', label: 'Demo_Pkg' });
    expect(packageTargetOf({ org: 'acme', name: '@Scope/Lib' }, 'npm')).toEqual({ org: 'acme', type: 'npm', name: '@scope/lib', label: '@Scope/Lib' });
    expect(() => packageTargetOf({ org: 'acme', type: 'maven', name: 'x' })).toThrow(BadRequestException);
  });

  it('decides like the package-access step: 401 for anonymous, 404 when not readable or missing, 403 when readable only', async () => {
    const rest = { org: 'acme', type: 'pypi', name: 'Demo_Pkg' };
    expect(await outcome('rest', rest, ANONYMOUS)).toBe('unauthenticated');
    // A package role of another package: a PyPI role, but none that reads this project.
    expect(await outcome('rest', rest, member(['dashboard', 'pypi:other:read']))).toBe('not-visible');
    expect(await outcome('rest', rest, member(['pypi:read']))).toBe('pass');
    expect(await outcome('rest', { ...rest, name: 'missing' }, member(['pypi:read']))).toBe('not-visible');
    expect(await outcome('rest', { ...rest, org: 'elsewhere' }, member(['pypi:read']))).toBe('not-visible');
    expect(await outcome('rest', { ...rest, type: 'maven' }, member(['pypi:read']))).toBe('bad-request');

    const release = { org: 'acme', name: 'demo.pkg', version: '1.0' };
    expect(await outcome('pypiWrite', release, member(['pypi:read']))).toBe('denied');
    expect(await outcome('pypiWrite', release, member(['pypi:write']))).toBe('pass');
    expect(await outcome('pypiWrite', { ...release, name: 'missing' }, member(['pypi:write']))).toBe('not-visible');
  });

  it('lets routes without the decorator through untouched', async () => {
    expect(await outcome('unguarded', {}, ANONYMOUS)).toBe('pass');
  });
});
