import { ANONYMOUS, AccessService, IdentityService, Organization, Principal, TokenPrincipal, UserPrincipal } from '@packgate/auth';
import { Package, PackageAccess, PackageService, UpstreamSettingsService } from '@packgate/registries/core';
import { OciAccessError } from '../errors';
import type { RepositoryContext } from '../services/repository.service';
import { RepositoryAccessService } from './repository-access.service';
import { RegistryAction, RegistryScopeRestriction } from './scope';

const ORG = { id: 1, slug: 'acme' } as Organization;
const repo = (settings: Partial<Package> | null): RepositoryContext => ({
  repo: { name: 'acme/app', org: 'acme', packageName: 'app' },
  org: ORG,
  pkg: settings ? ({ id: 3, orgId: 1, type: 'docker', name: 'app', normalizedName: 'app', private: true, permissionMode: 'standard', ...settings } as Package) : null,
});

const user = (roles: string[]): UserPrincipal => ({ kind: 'user', via: 'password', userId: 2, username: 'u', isAdmin: false, memberships: new Map([['acme', new Set(roles)]]), restrictions: [] });
const token = (roles: string[]): TokenPrincipal => ({
  kind: 'token', tokenId: 't', userId: 2, username: 'u', org: 'acme', tokenRoles: new Set(roles), creatorRoles: new Set(['org:admin']),
  creatorIsMember: true, creatorIsAdmin: false, caveats: [], recordExpiresAt: null, restrictions: [],
});
const scoped = (principal: Principal, actions: string[]): Principal => ({ ...principal, restrictions: [new RegistryScopeRestriction([{ type: 'repository', name: 'acme/app', actions }])] }) as Principal;

const service = new RepositoryAccessService(new PackageAccess({} as IdentityService, {} as PackageService, new AccessService(), { anonymousReads: async () => false } as unknown as UpstreamSettingsService));

function refusal(principal: Principal, ctx: RepositoryContext, actions: RegistryAction[]): OciAccessError | 'allowed' {
  try {
    service.assert(principal, ctx, actions);
    return 'allowed';
  } catch (error) {
    if (error instanceof OciAccessError) return error;
    throw error;
  }
}

describe('RepositoryAccessService (OCI answers of the package-access step)', () => {
  it('anonymous on a private or new repository: 401 UNAUTHORIZED with the scope to ask for', () => {
    for (const ctx of [repo({}), repo(null)]) {
      expect(refusal(ANONYMOUS, ctx, ['pull'])).toMatchObject({ code: 'UNAUTHORIZED', scope: 'repository:acme/app:pull', insufficientScope: false });
    }
  });

  it('anyone pulls a public repository; pushing it still needs the role', () => {
    expect(refusal(ANONYMOUS, repo({ private: false }), ['pull'])).toBe('allowed');
    expect(refusal(user(['docker:read']), repo({ private: false }), ['pull', 'push'])).toMatchObject({ code: 'DENIED', message: 'needs role docker:write' });
  });

  it('a member without the role gets DENIED (Docker does not hide repositories), a reader pulls', () => {
    expect(refusal(user([]), repo({}), ['pull'])).toMatchObject({ code: 'DENIED' });
    expect(refusal(user(['docker:read']), repo({}), ['pull'])).toBe('allowed');
    expect(refusal(token(['docker:read']), repo({}), ['pull'])).toBe('allowed');
  });

  it('a pull-only registry token of a writer: 401 insufficient_scope for a push (clients fetch a new token)', () => {
    const error = refusal(scoped(user(['docker:write']), ['pull']), repo({}), ['pull', 'push']);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', insufficientScope: true, scope: 'repository:acme/app:pull,push' });
  });

  it('a registry token whose holder may not push either: DENIED, not a new-token loop', () => {
    expect(refusal(scoped(user(['docker:read']), ['pull']), repo({}), ['pull', 'push'])).toMatchObject({ code: 'DENIED' });
  });

  it('an anonymous registry token on a public repository: pull allowed, push 401 without insufficient_scope', () => {
    const anon = scoped(ANONYMOUS, ['pull']);
    expect(refusal(anon, repo({ private: false }), ['pull'])).toBe('allowed');
    expect(refusal(anon, repo({ private: false }), ['pull', 'push'])).toMatchObject({ code: 'UNAUTHORIZED', insufficientScope: false, message: 'authentication required' });
  });

  it('decide("*") needs write and delete', () => {
    expect(service.decide(user(['docker:write']), repo({}), '*').allowed).toBe(true);
    expect(service.decide(user(['docker:read']), repo({}), '*').allowed).toBe(false);
  });
});
