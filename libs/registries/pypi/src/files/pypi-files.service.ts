import { Injectable } from '@nestjs/common';
import type { Principal } from '@packgate/auth';
import { NotFoundError, PackageFile, PackageService } from '@packgate/registries/core';
import { TtlCache } from '@packgate/auth';
import { PypiProjectsService } from '../pypi-projects.service';
import { readWheelMetadata } from './wheel-metadata';

export type Download = { kind: 'file'; file: PackageFile; private: boolean } | { kind: 'metadata'; file: PackageFile; body: Buffer; private: boolean };

/** Distribution files and their PEP 658 `.metadata` companions, after the read check. */
@Injectable()
export class PypiFilesService {
  /** METADATA bytes by blob digest: immutable for a digest; 16 MiB in all. */
  private readonly metadataCache = new TtlCache<string, Buffer>(10 * 60_000, { maxEntries: 5_000, maxBytes: 16 * 1024 * 1024, maxEntryBytes: 1024 * 1024, sizeOf: (body) => body.length });

  constructor(
    private readonly projects: PypiProjectsService,
    private readonly packages: PackageService,
  ) {}

  async find(principal: Principal, slug: string, project: string, filename: string): Promise<Download> {
    const { pkg } = await this.projects.readable(principal, slug, project);
    const file = await this.packages.findFile(pkg.id, filename);
    if (file) return { kind: 'file', file, private: pkg.private };
    if (filename.endsWith('.metadata')) {
      const wheel = await this.packages.findFile(pkg.id, filename.slice(0, -'.metadata'.length));
      if (wheel && wheel.metadata.coreMetadataSha256) return { kind: 'metadata', file: wheel, body: await this.metadataOf(wheel), private: pkg.private };
    }
    throw new NotFoundError(`Not Found: no file ${filename} in ${pkg.normalizedName}`);
  }

  downloadUrl(file: PackageFile): Promise<string | null> {
    return this.packages.downloadUrl(file);
  }

  open(file: PackageFile, range?: { start: number; end: number }) {
    return this.packages.openFile(file, range);
  }

  private async metadataOf(wheel: PackageFile): Promise<Buffer> {
    const cached = this.metadataCache.get(wheel.blobDigest);
    if (cached) return cached;
    const body = await readWheelMetadata((start, end) => this.packages.openFile(wheel, { start, end }), wheel.size, wheel.filename);
    this.metadataCache.set(wheel.blobDigest, body);
    return body;
  }
}
