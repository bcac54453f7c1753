import { BadRequestException, Injectable } from '@nestjs/common';
import { AuditService, Principal, isPackageType, packageRole } from '@packgate/auth';
import { Package, PackageAccess, PackageService, PackageSummaryFigures } from '@packgate/registries/core';
import { OrgLookupService } from '../orgs/org-lookup.service';
import { decodeCursor, encodeCursor } from './package-list-cursor';
import { PACKAGE_PAGE_DEFAULT, type PackageDetailDto, type PackageSummaryDto, type PackageVersionDto, type UpdatePackageDto } from './package.dto';

export interface PackageListRequest {
  type?: string;
  q?: string;
  limit?: number;
  /** Cursor from a previous page's `next`. */
  after?: string;
}

export interface PackageListPage {
  items: PackageSummaryDto[];
  next: string | null;
}

/** REST view of packages: listing, detail, settings and deletion, each through the evaluator. */

/** The largest read of package rows while looking for rows the caller may see. */
const PACKAGE_SCAN_BATCH_MAX = 1000;
@Injectable()
export class PackagesService {
  constructor(
    private readonly packages: PackageService,
    private readonly access: PackageAccess,
    private readonly orgs: OrgLookupService,
    private readonly audit: AuditService,
  ) {}

  /**
   * One page of the packages the caller may see, in (type, normalized name) order, with figures
   * for that page only; `next` is the cursor of the following page, null on the last one.
   * Rows are read limit+1 at a time; only a caller who may not see some of them needs a further read.
   */
  async list(principal: Principal, slug: string, { type, q, limit = PACKAGE_PAGE_DEFAULT, after }: PackageListRequest = {}): Promise<PackageListPage> {
    if (type !== undefined && !isPackageType(type)) throw new BadRequestException(['type must be one of pypi, npm, docker']);
    let position = after === undefined ? undefined : decodeCursor(after);
    const org = await this.orgs.require(slug);
    const nameContains = q?.trim().toLowerCase() || undefined;
    let batch = limit + 1;
    const page: Package[] = [];
    for (;;) {
      const rows = await this.packages.listPage(org.id, { type, nameContains, after: position, limit: batch });
      page.push(...this.access.visible(principal, slug, rows, 'package:view'));
      if (rows.length < batch || page.length > limit) break;
      position = rows[rows.length - 1];
      // A caller who may see little of a large org (or asks for limit=1) must not cost one query per
      // few rows: each further read is twice as large, up to a bound.
      batch = Math.min(batch * 2, PACKAGE_SCAN_BATCH_MAX);
    }
    const items = page.slice(0, limit);
    const summaries = await this.packages.summaries(items.map((pkg) => pkg.id));
    return {
      items: items.map((pkg) => this.summary(pkg, summaries.get(pkg.id))),
      next: page.length > limit ? encodeCursor(items[items.length - 1]) : null,
    };
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
