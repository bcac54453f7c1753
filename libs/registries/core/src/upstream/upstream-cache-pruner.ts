import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import { Package } from '../entities';
import { BlobReferenceRegistry } from '../gc/blob-references';
import { PackageService } from '../package.service';
import { UpstreamMetadataCache } from './metadata-cache.service';

export interface UpstreamPruneReport {
  /** Cached upstream packages deleted (not fetched from the upstream for N days). */
  upstreamPackages: number;
  /** Cached upstream metadata documents deleted. */
  upstreamDocuments: number;
}

/**
 * Garbage collection's upstream part: registers the metadata documents' blob references, and
 * drops caches older than N days (packages by their last fetch, documents by theirs), so the sweep
 * that follows frees their bytes. Local packages are never touched.
 */
@Injectable()
export class UpstreamCachePruner implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly packages: PackageService,
    private readonly metadata: UpstreamMetadataCache,
    private readonly references: BlobReferenceRegistry,
  ) {}

  onModuleInit(): void {
    this.references.register('upstream-metadata', { referenceCounts: () => this.metadata.referenceCounts() });
  }

  async pruneOlderThan(days: number): Promise<UpstreamPruneReport> {
    const cutoff = new Date(Date.now() - days * 24 * 3600 * 1000);
    const stale = await this.dataSource.getRepository(Package).find({ where: { source: 'upstream', updatedAt: LessThan(cutoff) } });
    for (const pkg of stale) await this.packages.deletePackage(pkg);
    const upstreamDocuments = await this.metadata.dropFetchedBefore(cutoff);
    return { upstreamPackages: stale.length, upstreamDocuments };
  }
}
