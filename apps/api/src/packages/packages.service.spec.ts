import type { UpstreamSettingsService } from '@packgate/registries/core';
import { BadRequestException } from '@nestjs/common';
import { AccessService, AuditService, IdentityService, Organization, UserPrincipal } from '@packgate/auth';
import { Package, PackageAccess, PackageListPageQuery, PackageService, PackageSummaryFigures } from '@packgate/registries/core';
import type { OrgLookupService } from '../orgs/org-lookup.service';
import { PackagesService } from './packages.service';

/** The REST package listing and settings over in-memory packages, with the real evaluator. */

const ORG = { id: 1, slug: 'acme' } as Organization;
const now = new Date('2026-01-01T00:00:00Z');
const row = (id: number, type: Package['type'], name: string, extra: Partial<Package> = {}) =>
  ({ id, orgId: 1, type, name, normalizedName: name.toLowerCase(), private: true, permissionMode: 'standard', metadata: {}, createdAt: now, updatedAt: now, ...extra }) as Package;

const PACKAGES = [
  row(1, 'pypi', 'Alpha'),
  row(2, 'pypi', 'beta-tools'),
  row(3, 'npm', 'gamma'),
  row(4, 'docker', 'app'),
  // A repository created by a blob upload, with no tag yet.
  row(5, 'docker', 'uploading'),
  // A PyPI project whose releases were all deleted: still listed.
  row(6, 'pypi', 'emptied'),
];
const FIGURES: Record<number, PackageSummaryFigures> = {
  1: { versions: 2, size: 100, lastUpload: now, latest: '2.0' },
  2: { versions: 1, size: 10, lastUpload: now, latest: '0.1' },
  3: { versions: 1, size: 5, lastUpload: now, latest: '1.0.0' },
  4: { versions: 3, size: 4096, lastUpload: now, latest: 'v3' },
};

function setup() {
  const updates: unknown[] = [];
  const pageReads: number[] = [];
  const audited: { action: string; details?: unknown }[] = [];
  const store = {
    // The database's part of a page, in memory: order, position, filters, limit.
    listPage: async (_orgId: number, { type, nameContains, after, limit }: PackageListPageQuery) => {
      pageReads.push(limit);
      const key = (pkg: { type: string; normalizedName: string }) => `${pkg.type}\n${pkg.normalizedName}`;
      return PACKAGES.filter((pkg) => (!type || pkg.type === type) && (!after || key(pkg) > key(after)))
        .filter((pkg) => !nameContains || pkg.normalizedName.includes(nameContains) || pkg.name.toLowerCase().includes(nameContains))
        .filter((pkg) => pkg.type !== 'docker' || FIGURES[pkg.id])
        .sort((a, b) => (key(a) < key(b) ? -1 : 1))
        .slice(0, limit);
    },
    summaries: async (ids: number[]) => new Map(ids.map((id) => [id, FIGURES[id] ?? { versions: 0, size: 0, lastUpload: null, latest: null }])),
    updateSettings: async (pkg: Package, changes: Partial<Package>) => (updates.push(changes), { ...pkg, ...changes }),
  } as unknown as PackageService;
  const identity = { findOrg: async () => ORG } as unknown as IdentityService;
  const access = new PackageAccess(identity, store, new AccessService(), { anonymousReads: async () => false } as unknown as UpstreamSettingsService);
  const orgs = { require: async () => ORG } as unknown as OrgLookupService;
  const audit = { record: async (event: { action: string; details?: unknown }) => void audited.push(event) } as unknown as AuditService;
  return { service: new PackagesService(store, access, orgs, audit), updates, audited, pageReads };
}

const member = (roles: string[]): UserPrincipal => ({ kind: 'user', via: 'session', userId: 2, username: 'u', isAdmin: false, memberships: new Map([['acme', new Set(roles)]]), restrictions: [] });

describe('PackagesService', () => {
  it('lists what the caller may see, with figures, in type then name order', async () => {
    const { service } = setup();
    const { items: all, next } = await service.list(member(['dashboard', 'pypi:read', 'npm:read', 'docker:read']), 'acme');
    expect(all.map((pkg) => `${pkg.type}:${pkg.name}`)).toEqual(['docker:app', 'npm:gamma', 'pypi:Alpha', 'pypi:beta-tools', 'pypi:emptied']);
    expect(next).toBeNull();
    expect(all.find((pkg) => pkg.name === 'app')).toMatchObject({ versionCount: 3, latestVersion: 'v3', size: 4096 });
    expect(all.find((pkg) => pkg.name === 'emptied')).toMatchObject({ versionCount: 0, latestVersion: null, size: 0 });
    const pypiOnly = await service.list(member(['dashboard', 'pypi:read']), 'acme');
    expect(pypiOnly.items.map((pkg) => pkg.name)).toEqual(['Alpha', 'beta-tools', 'emptied']);
  });

  it('pages with a cursor, reading limit+1 rows, and reads on past rows the caller may not see in reads twice as large each time', async () => {
    const { service, pageReads } = setup();
    const admin = member(['org:admin']);
    const first = await service.list(admin, 'acme', { limit: 2 });
    expect(first.items.map((pkg) => pkg.name)).toEqual(['app', 'gamma']);
    expect(pageReads).toEqual([3]);
    const second = await service.list(admin, 'acme', { limit: 2, after: first.next! });
    expect(second.items.map((pkg) => pkg.name)).toEqual(['Alpha', 'beta-tools']);
    const last = await service.list(admin, 'acme', { limit: 2, after: second.next! });
    expect(last).toEqual({ items: [expect.objectContaining({ name: 'emptied' })], next: null });

    pageReads.length = 0;
    const pypiReader = member(['dashboard', 'pypi:read']);
    const hiddenFirst = await service.list(pypiReader, 'acme', { limit: 1 });
    expect(hiddenFirst.items.map((pkg) => pkg.name)).toEqual(['Alpha']);
    expect(pageReads).toEqual([2, 4]);
    expect((await service.list(pypiReader, 'acme', { limit: 1, after: hiddenFirst.next! })).items.map((pkg) => pkg.name)).toEqual(['beta-tools']);
  });

  it('refuses unknown types and cursors it did not make', async () => {
    const { service } = setup();
    const reader = member(['pypi:read', 'npm:read', 'docker:read']);
    expect((await service.list(reader, 'acme', { type: 'pypi', q: 'ALP' })).items.map((pkg) => pkg.name)).toEqual(['Alpha']);
    await expect(service.list(reader, 'acme', { type: 'maven' })).rejects.toBeInstanceOf(BadRequestException);
    for (const after of ['x', 'not base64!', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('["maven","x"]').toString('base64url'), Buffer.from('["pypi",""]').toString('base64url')]) {
      await expect(service.list(reader, 'acme', { after })).rejects.toBeInstanceOf(BadRequestException);
    }
  });

  it('shows package-level roles only in package mode, and audits settings with before and after', async () => {
    const { service, audited, updates } = setup();
    const summary = await service.update(member(['org:admin']), 'acme', PACKAGES[0], { permissionMode: 'package' });
    expect(updates).toEqual([{ permissionMode: 'package' }]);
    expect(summary.roles).toEqual(['pypi:alpha:read', 'pypi:alpha:write']);
    expect(audited).toEqual([expect.objectContaining({ action: 'package.settings-changed', details: { before: { private: true, permissionMode: 'standard' }, after: { private: true, permissionMode: 'package' } } })]);
  });
});
