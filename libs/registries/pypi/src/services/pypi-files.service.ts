import { Injectable } from '@nestjs/common';
import type { Principal } from '@packgate/auth';
import { NotFoundError, Package, PackageFile, PackageService, UpstreamSettings } from '@packgate/registries/core';
import { TtlCache } from '@packgate/auth';
import { normalizePypiName } from '@packgate/registries/core';
import { PypiProjectsService } from './pypi-projects.service';
import { PypiUpstreamService } from '../upstream/pypi-upstream.service';
import { readWheelMetadata } from '../wire/wheel-metadata';

export type Download = { kind: 'file'; file: PackageFile; private: boolean } | { kind: 'metadata'; body: Buffer; private: boolean };

/** Distribution files and their PEP 658 `.metadata` companions, after the read check. */
@Injectable()
export class PypiFilesService {
  /** METADATA bytes by blob digest: immutable for a digest; 16 MiB in all. */
  private readonly metadataCache = new TtlCache<string, Buffer>(10 * 60_000, { maxEntries: 5_000, maxBytes: 16 * 1024 * 1024, maxEntryBytes: 1024 * 1024, sizeOf: (body) => body.length });

  constructor(
    private readonly projects: PypiProjectsService,
    private readonly packages: PackageService,
    private readonly upstream: PypiUpstreamService,
  ) {}

  async find(principal: Principal, slug: string, project: string, filename: string): Promise<Download> {
    const route = await this.projects.route(principal, slug, project);
    if (route.kind === 'upstream') {
      const stored = route.pkg ? await this.storedDownload(route.pkg, filename) : null;
      return stored ?? this.fromUpstream(route.settings, route.pkg, normalizePypiName(project), filename);
    }
    const found = await this.storedDownload(route.pkg, filename);
    if (found) return found;
    throw new NotFoundError(`Not Found: no file ${filename} in ${route.pkg.normalizedName}`);
  }

  /**
   * A file of an upstream project not stored yet: downloaded and verified against the sha256 of the
   * upstream's page (PEP 658 metadata likewise), then served from the store.
   */
  private async fromUpstream(settings: UpstreamSettings, pkg: Package | null, project: string, filename: string): Promise<Download> {
    const page = await this.upstream.page(settings, project);
    const metadataOf = filename.endsWith('.metadata') ? filename.slice(0, -'.metadata'.length) : null;
    const entry = page?.project.files.find((file) => file.filename === (metadataOf ?? filename));
    if (!page || !entry) throw new NotFoundError(`Not Found: no file ${filename} in ${project} or its upstream ${settings.host}`);
    if (metadataOf) return { kind: 'metadata', body: await this.upstream.coreMetadata(settings, project, entry), private: true };
    const file = await this.upstream.fetchFile(settings, page.project, project, entry);
    return { kind: 'file', file, private: pkg?.private ?? true };
  }

  private async storedDownload(pkg: Package, filename: string): Promise<Download | null> {
    const file = await this.packages.findFile(pkg.id, filename);
    if (file) return { kind: 'file', file, private: pkg.private };
    if (filename.endsWith('.metadata')) {
      const wheel = await this.packages.findFile(pkg.id, filename.slice(0, -'.metadata'.length));
      if (wheel && wheel.metadata.coreMetadataSha256) return { kind: 'metadata', body: await this.metadataOf(wheel), private: pkg.private };
    }
    return null;
  }

  downloadUrl(file: PackageFile): Promise<string | null> {
    return this.packages.downloadUrl(file);
  }

  openBody(file: PackageFile, range?: { start: number; end: number }) {
    return this.packages.openBody(file, range);
  }

  private async metadataOf(wheel: PackageFile): Promise<Buffer> {
    const cached = this.metadataCache.get(wheel.blobDigest);
    if (cached) return cached;
    const body = await readWheelMetadata((start, end) => this.packages.openFile(wheel, { start, end }), wheel.size, wheel.filename);
    this.metadataCache.set(wheel.blobDigest, body);
    return body;
  }
}
