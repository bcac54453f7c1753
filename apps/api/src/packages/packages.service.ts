import { BadRequestException, Injectable } from '@nestjs/common';
import { AuditService, PACKAGE_TYPES, PackageType, Principal, isPackageType, packageRole } from '@packgate/auth';
import { Package, PackageAccess, PackageContentsRegistry, PackageService, PackageSummaryFigures, PackageTarget, PackageVersionView, normalizePackageName } from '@packgate/registries/core';
import { OrgLookupService } from '../orgs/org-lookup.service';
import type { PackageDetailDto, PackageSummaryDto, UpdatePackageDto } from './package.dto';

function targetOf(org: string, pkg: Package): PackageTarget {
  return { org, type: pkg.type, name: pkg.normalizedName, label: pkg.name };
}

/** REST view of packages: listing, detail, settings and deletion, each through the evaluator. */
@Injectable()
export class PackagesService {
  constructor(
    private readonly packages: PackageService,
    private readonly access: PackageAccess,
    private readonly orgs: OrgLookupService,
    private readonly audit: AuditService,
    private readonly contents: PackageContentsRegistry,
  ) {}

  async list(principal: Principal, slug: string, type?: string, query?: string): Promise<PackageSummaryDto[]> {
    if (type !== undefined && !isPackageType(type)) throw new BadRequestException(['type must be one of pypi, npm, docker']);
    const org = await this.orgs.require(slug);
    const needle = query?.trim().toLowerCase();
    const visible = this.access
      .visible(principal, slug, await this.packages.listPackages(org.id, type as PackageType | undefined), 'package:view')
      .filter((pkg) => !needle || pkg.normalizedName.includes(needle) || pkg.name.toLowerCase().includes(needle));
    const listed = await this.listed(visible);
    const summaries = await this.figures(listed);
    return listed.map((pkg) => this.summary(pkg, summaries.get(pkg.id)));
  }

  /** Drops packages their format does not list yet (a Docker repository without a manifest). */
  private async listed(pkgs: Package[]): Promise<Package[]> {
    let out = pkgs;
    for (const type of PACKAGE_TYPES) {
      const provider = this.contents.providerFor(type);
      const ids = pkgs.filter((pkg) => pkg.type === type).map((pkg) => pkg.id);
      if (!provider?.listed || ids.length === 0) continue;
      const keep = await provider.listed(ids);
      out = out.filter((pkg) => pkg.type !== type || keep.has(pkg.id));
    }
    return out;
  }

  async detail(principal: Principal, slug: string, type: string, name: string): Promise<PackageDetailDto> {
    const pkg = await this.findReadable(principal, slug, type, name);
    const summaries = await this.figures([pkg]);
    return { ...this.summary(pkg, summaries.get(pkg.id)), versions: await this.versions(pkg) };
  }

  async update(principal: Principal, slug: string, type: string, name: string, body: UpdatePackageDto): Promise<PackageSummaryDto> {
    const pkg = await this.findReadable(principal, slug, type, name);
    this.access.check(principal, targetOf(slug, pkg), pkg, 'package:configure');
    const before = { private: pkg.private, permissionMode: pkg.permissionMode };
    const updated = await this.packages.updateSettings(pkg, body);
    await this.audit.record({ org: slug, principal, action: 'package.settings-changed', resource: `${pkg.type}:${pkg.normalizedName}`, result: 'success', details: { before, after: { private: updated.private, permissionMode: updated.permissionMode } } });
    return this.summary(updated, (await this.figures([updated])).get(pkg.id));
  }

  async delete(principal: Principal, slug: string, type: string, name: string): Promise<void> {
    const pkg = await this.findReadable(principal, slug, type, name);
    this.access.check(principal, targetOf(slug, pkg), pkg, 'package:configure');
    await this.packages.deletePackage(pkg);
    await this.audit.record({ org: slug, principal, action: 'package.deleted', resource: `${pkg.type}:${pkg.normalizedName}`, result: 'success' });
  }

  /** A package the caller may see; otherwise 404 (RestExceptionFilter) so names do not leak. */
  async findReadable(principal: Principal, slug: string, type: string, name: string): Promise<Package> {
    if (!isPackageType(type)) throw new BadRequestException(['type must be one of pypi, npm, docker']);
    return (await this.access.requireExisting(principal, { org: slug, type, name: normalizePackageName(type, name), label: name }, 'package:view')).pkg;
  }

  /** Version count, size and last upload: from versions and files, or from the format's provider. */
  private async figures(pkgs: Package[]): Promise<Map<number, PackageSummaryFigures>> {
    const out = await this.packages.summaries(pkgs.filter((pkg) => !this.contents.providerFor(pkg.type)).map((pkg) => pkg.id));
    for (const type of PACKAGE_TYPES) {
      const provider = this.contents.providerFor(type);
      const ids = pkgs.filter((pkg) => pkg.type === type).map((pkg) => pkg.id);
      if (provider && ids.length > 0) for (const [id, figures] of await provider.summaries(ids)) out.set(id, figures);
    }
    return out;
  }

  private async versions(pkg: Package): Promise<PackageVersionView[]> {
    const provider = this.contents.providerFor(pkg.type);
    if (provider) return provider.versions(pkg);
    return (await this.packages.detail(pkg)).versions.map(({ version, files }) => ({
      version: version.version,
      createdAt: version.createdAt,
      yanked: version.yanked,
      yankedReason: version.yankedReason,
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
