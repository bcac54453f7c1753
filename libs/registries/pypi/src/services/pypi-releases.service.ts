import { Injectable } from '@nestjs/common';
import { AuditService, Principal } from '@packgate/auth';
import { ExistingPackage, NotFoundError, Package, PackageService, PackageVersion } from '@packgate/registries/core';
import { sameVersion } from '../wire/pep440';
import { PypiIndexService } from './pypi-index.service';
import type { PypiReleaseDto, YankReleaseDto } from '../controllers/pypi-release.dto';

/**
 * Yank, delete a release, delete one file of a project whose package:write the route's access step
 * (PackageAccessRequired) has checked; audited.
 */
@Injectable()
export class PypiReleasesService {
  constructor(
    private readonly packages: PackageService,
    private readonly audit: AuditService,
    private readonly index: PypiIndexService,
  ) {}

  async yank(principal: Principal, project: ExistingPackage, version: string, body: YankReleaseDto): Promise<PypiReleaseDto> {
    const { org, pkg, release } = await this.release(project, version);
    const slug = org.slug;
    const updated = await this.packages.updateVersion(release, { yanked: body.yanked, yankedReason: body.yanked ? (body.yankedReason ?? null) : null });
    await this.touch(pkg);
    await this.record(principal, slug, body.yanked ? 'pypi.yank' : 'pypi.unyank', `pypi:${pkg.normalizedName}==${release.version}`, body.yanked ? { reason: body.yankedReason ?? null } : undefined);
    return this.describe(pkg, updated);
  }

  async deleteRelease(principal: Principal, project: ExistingPackage, version: string): Promise<void> {
    const { org, pkg, release } = await this.release(project, version);
    const slug = org.slug;
    await this.packages.deleteVersion(release);
    await this.touch(pkg);
    await this.record(principal, slug, 'pypi.release-deleted', `pypi:${pkg.normalizedName}==${release.version}`);
  }

  async deleteFile(principal: Principal, project: ExistingPackage, version: string, filename: string): Promise<void> {
    const { org, pkg, release } = await this.release(project, version);
    const slug = org.slug;
    const file = await this.packages.findFile(pkg.id, filename);
    if (!file || file.versionId !== release.id) throw new NotFoundError(`no file ${filename} in ${pkg.normalizedName} ${release.version}`);
    await this.packages.deleteFile(file);
    await this.touch(pkg);
    await this.record(principal, slug, 'pypi.file-deleted', `pypi:${pkg.normalizedName}/${filename}`);
  }

  private async release({ org, pkg }: ExistingPackage, version: string): Promise<ExistingPackage & { release: PackageVersion }> {
    const release = (await this.packages.findVersion(pkg.id, version)) ?? (await this.findNormalized(pkg, version));
    if (!release) throw new NotFoundError(`no release ${version} of ${pkg.normalizedName}`);
    return { org, pkg, release };
  }

  private async findNormalized(pkg: Package, version: string): Promise<PackageVersion | undefined> {
    const detail = await this.packages.detail(pkg);
    return detail.versions.find((entry) => sameVersion(entry.version.version, version))?.version;
  }

  private async describe(pkg: Package, release: PackageVersion): Promise<PypiReleaseDto> {
    const detail = await this.packages.detail(pkg);
    const files = detail.versions.find((entry) => entry.version.id === release.id)?.files ?? [];
    return {
      name: pkg.normalizedName,
      version: release.version,
      yanked: release.yanked,
      yankedReason: release.yankedReason,
      files: files.map((file) => ({ filename: file.filename, size: file.size, sha256: file.blobDigest.replace(/^sha256:/, '') })),
    };
  }

  /** Bumps the package's updatedAt: index views cached anywhere are keyed by it. */
  private async touch(pkg: Package): Promise<void> {
    await this.packages.updateMetadata(pkg, pkg.metadata);
    this.index.forget(pkg.id);
  }

  private record(principal: Principal, org: string, action: string, resource: string, details?: Record<string, unknown>): Promise<void> {
    return this.audit.record({ org, principal, action, resource, result: 'success', details });
  }
}
