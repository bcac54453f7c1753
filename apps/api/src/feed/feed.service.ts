import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { IdentityService, Principal } from '@packgate/auth';
import { Package, PackageAccess, PackageService, PackageVersion } from '@packgate/registries/core';
import { PACKGATE_CONFIG } from '../config/config.constants';
import type { PackgateConfig } from '../config/config';
import { AtomEntry, renderAtom } from './atom';

/** How many releases the feed shows (newest first). */
export const FEED_SIZE = 50;

@Injectable()
export class FeedService {
  constructor(
    private readonly identity: IdentityService,
    private readonly packages: PackageService,
    private readonly access: PackageAccess,
    @InjectRepository(PackageVersion) private readonly versions: Repository<PackageVersion>,
    @Inject(PACKGATE_CONFIG) private readonly config: PackgateConfig,
  ) {}

  async atom(principal: Principal, slug: string): Promise<string> {
    const org = await this.identity.findOrg(slug);
    if (!org) throw new NotFoundException(`no org ${slug}`);
    const readable = new Map<number, Package>();
    for (const pkg of this.access.visible(principal, slug, await this.packages.listPackages(org.id))) readable.set(pkg.id, pkg);
    const releases = readable.size === 0 ? [] : await this.versions.find({ where: { packageId: In([...readable.keys()]) }, order: { createdAt: 'DESC', id: 'DESC' }, take: FEED_SIZE });
    const base = this.config.publicUrl;
    const feedUrl = `${base}/api/v1/orgs/${encodeURIComponent(slug)}/feed.atom`;
    const entries: AtomEntry[] = releases.map((version) => {
      const pkg = readable.get(version.packageId)!;
      const pkgUrl = `${base}/api/v1/orgs/${encodeURIComponent(slug)}/packages/${pkg.type}/${encodeURIComponent(pkg.normalizedName)}`;
      return {
        id: `${pkgUrl}#${encodeURIComponent(version.version)}`,
        title: `${pkg.name} ${version.version}${version.yanked ? ' (yanked)' : ''}`,
        updated: version.createdAt,
        link: pkgUrl,
        category: pkg.type,
        summary: `${pkg.type} package ${pkg.name} version ${version.version} published in ${slug}${version.yanked && version.yankedReason ? `; yanked: ${version.yankedReason}` : ''}`,
      };
    });
    return renderAtom({ id: feedUrl, title: `Packgate: new releases in ${slug}`, self: feedUrl, updated: releases[0]?.createdAt ?? new Date(0), entries });
  }
}
