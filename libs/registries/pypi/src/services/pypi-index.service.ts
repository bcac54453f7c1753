import { Injectable } from '@nestjs/common';
import { InvalidationBus, Principal, TtlCache } from '@packgate/auth';
import { NotFoundError, Package, PackageService, UpstreamError } from '@packgate/registries/core';
import { compareVersions } from '../wire/pep440';
import { PypiProjectsService } from './pypi-projects.service';
import { PypiUpstreamService } from '../upstream/pypi-upstream.service';
import type { SimpleFileView, SimpleProjectView } from '../wire/simple-render';

/**
 * Builds the simple-index views from stored rows, after the read check (which always runs on fresh
 * rows). Views are reused for a moment keyed by the package's `updatedAt`, which every upload and
 * every yank/delete of this module bumps, so another node's change is seen at once unless it
 * happened within the same second (then within VIEW_TTL_MS).
 */
const VIEW_TTL_MS = 2000;
const VIEWS = 'pypi.views';

@Injectable()
export class PypiIndexService {
  private readonly views = new TtlCache<string, SimpleProjectView>(VIEW_TTL_MS, { maxEntries: 2000, maxBytes: 16 * 1024 * 1024, sizeOf: viewSize });

  constructor(
    private readonly projects: PypiProjectsService,
    private readonly packages: PackageService,
    private readonly bus: InvalidationBus,
    private readonly upstream: PypiUpstreamService,
  ) {
    bus.on<number>(VIEWS, (packageId) => this.views.deleteWhere((key) => key.startsWith(`${packageId}:`)));
    bus.guard(this.views);
  }

  async projectNames(principal: Principal, slug: string): Promise<string[]> {
    return (await this.projects.readableNames(principal, slug)).sort();
  }

  /**
   * The project page: the org's own rows when it publishes the project (never merged with the
   * upstream's), else the upstream's page. `stale`: the upstream failed and an expired copy (or,
   * without one, the files already cached) is served.
   */
  async project(principal: Principal, slug: string, project: string): Promise<{ view: SimpleProjectView; stale: boolean }> {
    const route = await this.projects.route(principal, slug, project);
    if (route.kind === 'local') return { view: await this.stored(route.pkg), stale: false };
    try {
      const page = await this.upstream.page(route.settings, project);
      if (!page) throw new NotFoundError(`Not Found: no project ${project} in ${slug} or its upstream ${route.settings.host}`);
      return { view: this.upstream.view(page.project, project), stale: page.stale };
    } catch (error) {
      if (error instanceof UpstreamError && route.pkg) return { view: await this.stored(route.pkg), stale: true };
      throw error;
    }
  }

  private async stored(pkg: Package): Promise<SimpleProjectView> {
    const key = `${pkg.id}:${pkg.updatedAt.getTime()}`;
    const cached = this.views.get(key);
    if (cached) return cached;
    const view = await this.build(pkg);
    this.views.set(key, view);
    return view;
  }

  /** Drops every node's views of a package (after an upload, yank or delete). */
  forget(packageId: number): void {
    this.bus.publish(VIEWS, packageId);
  }

  private async build(pkg: Package): Promise<SimpleProjectView> {
    const detail = await this.packages.detail(pkg);
    const files: SimpleFileView[] = [];
    const versions = detail.versions.map((entry) => entry.version.version).sort(compareVersions);
    const order = new Map(versions.map((version, index) => [version, index]));
    const sorted = [...detail.versions].sort((a, b) => order.get(a.version.version)! - order.get(b.version.version)!);
    for (const { version, files: versionFiles } of sorted) {
      for (const file of versionFiles) {
        const meta = file.metadata as { requiresPython?: string | null; coreMetadataSha256?: string };
        files.push({
          filename: file.filename,
          url: `../../files/${encodeURIComponent(pkg.normalizedName)}/${encodeURIComponent(file.filename)}`,
          sha256: file.blobDigest.replace(/^sha256:/, ''),
          size: file.size,
          uploadTime: file.createdAt,
          requiresPython: meta.requiresPython ?? null,
          coreMetadataSha256: meta.coreMetadataSha256 ?? null,
          yanked: version.yanked ? (version.yankedReason ?? '') : false,
        });
      }
    }
    return { name: pkg.normalizedName, versions, files };
  }
}

/** Rough heap size of a view: its strings plus a fixed overhead per object. */
function viewSize(view: SimpleProjectView): number {
  let size = 256 + view.name.length * 2;
  for (const version of view.versions) size += 64 + version.length * 2;
  for (const file of view.files) size += 256 + (file.filename.length + file.url.length + file.sha256.length + (file.requiresPython?.length ?? 0) + (file.coreMetadataSha256?.length ?? 0)) * 2;
  return size;
}
