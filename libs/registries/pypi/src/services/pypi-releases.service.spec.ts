import type { AuditService, Organization, Principal } from '@packgate/auth';
import { NotFoundError, Package, PackageFile, PackageService, PackageVersion } from '@packgate/registries/core';
import type { PypiIndexService } from './pypi-index.service';
import { PypiReleasesService } from './pypi-releases.service';

/** Release management on a project the route's access step resolved, over in-memory rows. */

const ORG = { id: 1, slug: 'acme' } as Organization;
const now = new Date();
const principal = { kind: 'user', via: 'session', userId: 2, username: 'u', isAdmin: false, memberships: new Map(), restrictions: [] } as Principal;

function setup() {
  const pkg = { id: 7, orgId: 1, type: 'pypi', name: 'Demo', normalizedName: 'demo', metadata: {}, updatedAt: now } as unknown as Package;
  const versions: PackageVersion[] = [
    { id: 1, packageId: 7, version: '1.0', metadata: {}, artifactType: null, yanked: false, yankedReason: null, createdAt: now },
    { id: 2, packageId: 7, version: '2.0rc1', metadata: {}, artifactType: null, yanked: false, yankedReason: null, createdAt: now },
  ];
  const files: PackageFile[] = [
    { id: 10, packageId: 7, versionId: 1, filename: 'demo-1.0.tar.gz', blobDigest: 'sha256:aa', size: 10, metadata: {}, createdAt: now },
    { id: 11, packageId: 7, versionId: 2, filename: 'demo-2.0rc1.tar.gz', blobDigest: 'sha256:bb', size: 20, metadata: {}, createdAt: now },
  ];
  const touched: number[] = [];
  const audited: { action: string; resource: string; details?: unknown }[] = [];
  const store = {
    findVersion: async (packageId: number, version: string) => versions.find((row) => row.packageId === packageId && row.version === version) ?? null,
    findFile: async (packageId: number, filename: string) => files.find((row) => row.packageId === packageId && row.filename === filename) ?? null,
    detail: async () => ({ pkg, versions: versions.map((version) => ({ version, files: files.filter((file) => file.versionId === version.id) })) }),
    updateVersion: async (version: PackageVersion, changes: Partial<PackageVersion>) => Object.assign(version, changes),
    deleteVersion: async (version: PackageVersion) => void versions.splice(versions.indexOf(version), 1),
    deleteFile: async (file: PackageFile) => void files.splice(files.indexOf(file), 1),
    updateMetadata: async (target: Package) => target,
  } as unknown as PackageService;
  const index = { forget: (id: number) => void touched.push(id) } as unknown as PypiIndexService;
  const audit = { record: async (event: { action: string; resource: string }) => void audited.push(event) } as unknown as AuditService;
  return { service: new PypiReleasesService(store, audit, index), project: { org: ORG, pkg }, versions, files, touched, audited };
}

describe('PypiReleasesService', () => {
  it('yanks with a reason and un-yanks without one, finding the release by its PEP 440 form', async () => {
    const { service, project, touched, audited } = setup();
    const yanked = await service.yank(principal, project, '2.0-rc.1', { yanked: true, yankedReason: 'broken wheel' });
    expect(yanked).toMatchObject({ name: 'demo', version: '2.0rc1', yanked: true, yankedReason: 'broken wheel', files: [{ filename: 'demo-2.0rc1.tar.gz', size: 20, sha256: 'bb' }] });
    const restored = await service.yank(principal, project, '2.0rc1', { yanked: false, yankedReason: 'ignored' });
    expect(restored).toMatchObject({ yanked: false, yankedReason: null });
    expect(touched).toEqual([7, 7]);
    expect(audited.map((event) => `${event.action} ${event.resource}`)).toEqual(['pypi.yank pypi:demo==2.0rc1', 'pypi.unyank pypi:demo==2.0rc1']);
  });

  it('deletes a release or one file of it; a file of another release or a missing release is not found', async () => {
    const { service, project, versions, files, audited } = setup();
    await expect(service.deleteFile(principal, project, '1.0', 'demo-2.0rc1.tar.gz')).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.deleteRelease(principal, project, '3.0')).rejects.toBeInstanceOf(NotFoundError);
    await service.deleteFile(principal, project, '1.0', 'demo-1.0.tar.gz');
    expect(files.map((file) => file.filename)).toEqual(['demo-2.0rc1.tar.gz']);
    await service.deleteRelease(principal, project, '2.0rc1');
    expect(versions.map((version) => version.version)).toEqual(['1.0']);
    expect(audited.map((event) => event.action)).toEqual(['pypi.file-deleted', 'pypi.release-deleted']);
  });
});
