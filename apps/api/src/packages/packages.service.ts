import { BadRequestException, Injectable } from '@nestjs/common';
import { AuditService, PackageType, Principal, isPackageType, packageRole } from '@packgate/auth';
import { LISTED_ONCE_VERSIONED, Package, PackageAccess, PackageService, PackageSummaryFigures } from '@packgate/registries/core';
import { OrgLookupService } from '../orgs/org-lookup.service';
import type { PackageDetailDto, PackageSummaryDto, PackageVersionDto, UpdatePackageDto } from './package.dto';

/** REST view of packages: listing, detail, settings and deletion, each through the evaluator. */
@Injectable()
export class PackagesService {
  constructor(
    private readonly packages: PackageService,
    private readonly access: PackageAccess,
    private readonly orgs: OrgLookupService,
    private readonly audit: AuditService,
  ) {}

  async list(principal: Principal, slug: string, type?: string, query?: string): Promise<PackageSummaryDto[]> {
    if (type !== undefined && !isPackageType(type)) throw new BadRequestException(['type must be one of pypi, npm, docker']);
    const org = await this.orgs.require(slug);
    const needle = query?.trim().toLowerCase();
    const visible = this.access
      .visible(principal, slug, await this.packages.listPackages(org.id, type as PackageType | undefined), 'package:view')
      .filter((pkg) => !needle || pkg.normalizedName.includes(needle) || pkg.name.toLowerCase().includes(needle));
    const summaries = await this.packages.summaries(visible.map((pkg) => pkg.id));
    return visible
      .filter((pkg) => !LISTED_ONCE_VERSIONED.has(pkg.type) || (summaries.get(pkg.id)?.versions ?? 0) > 0)
      .map((pkg) => this.summary(pkg, summaries.get(pkg.id)));
  }

  /** The package the route's access step resolved (PackageAccessRequired). */
  async detail(pkg: Package): Promise<PackageDetailDto> {
    const summaries = await this.packages.summaries([pkg.id]);
    return { ...this.summary(pkg, summaries.get(pkg.id)), versions: await this.versions(pkg) };
  }

  async update(principal: Principal, slug: string, pkg: Package, body: UpdatePackageDto): Promise<PackageSummaryDto> {
    const before = { private: pkg.private, permissionMode: pkg.permissionMode };
    const updated = await this.packages.updateSettings(pkg, body);
    await this.audit.record({ org: slug, principal, action: 'package.settings-changed', resource: `${pkg.type}:${pkg.normalizedName}`, result: 'success', details: { before, after: { private: updated.private, permissionMode: updated.permissionMode } } });
    return this.summary(updated, (await this.packages.summaries([updated.id])).get(pkg.id));
  }

  async delete(principal: Principal, slug: string, pkg: Package): Promise<void> {
    await this.packages.deletePackage(pkg);
    await this.audit.record({ org: slug, principal, action: 'package.deleted', resource: `${pkg.type}:${pkg.normalizedName}`, result: 'success' });
  }

  private async versions(pkg: Package): Promise<PackageVersionDto[]> {
    return (await this.packages.detail(pkg)).versions.map(({ version, files }) => ({
      version: version.version,
      createdAt: version.createdAt,
      yanked: version.yanked,
      yankedReason: version.yankedReason,
      artifactType: version.artifactType ?? null,
      files: files.map((file) => ({ filename: file.filename, size: file.size, sha256: file.blobDigest.replace(/^sha256:/, ''), createdAt: file.createdAt })),
    }));
  }

  private summary(pkg: Package, stats?: PackageSummaryFigures): PackageSummaryDto {
    return {
      type: pkg.type,
      name: pkg.name,
      normalizedName: pkg.normalizedName,
      private: pkg.private,
      permissionMode: pkg.permissionMode,
      source: pkg.source ?? 'local',
      versionCount: stats?.versions ?? 0,
      latestVersion: stats?.latest ?? null,
      size: stats?.size ?? 0,
      lastUpload: stats?.lastUpload ?? null,
      roles: pkg.permissionMode === 'package' ? [packageRole(pkg.type, pkg.normalizedName, 'read'), packageRole(pkg.type, pkg.normalizedName, 'write')] : [],
    };
  }
}
