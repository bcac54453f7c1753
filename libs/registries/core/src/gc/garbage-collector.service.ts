import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import { Blob, PackageFile } from '../entities';
import { BLOB_STORE, BlobStore } from '../storage/blob-store';
import { UpstreamCachePruner } from '../upstream/upstream-cache-pruner';
import { BlobReferenceRegistry } from './blob-references';

export interface GcReport {
  deletedBlobs: number;
  freedBytes: number;
  /** Reference counts found wrong and corrected (e.g. packages deleted through the REST API). */
  repairedCounts: number;
  /** With `upstreamOlderThanDays`: cached upstream packages and metadata documents dropped first. */
  upstreamPackages?: number;
  upstreamDocuments?: number;
}

export interface GcRunOptions {
  /** Drop upstream caches (packages and metadata) not fetched for this many days before sweeping. */
  upstreamOlderThanDays?: number;
}

export const GC_OPTIONS = Symbol('GC_OPTIONS');

export interface GcOptions {
  /** Blobs nothing references survive garbage collection for this long after upload. */
  readonly graceSeconds: number;
}

/**
 * Mark and sweep over the Blob table, the same for every format: a blob's references are the
 * package files naming it plus those the formats register (Docker manifests). Only blobs older
 * than the grace period are considered, so layers uploaded for a manifest still on its way survive
 * (upload sessions are staged, not yet blobs). Counts are corrected and rows deleted with
 * conditional updates (`WHERE ref_count = <seen>`), so a reference stored meanwhile wins.
 */
@Injectable()
export class GarbageCollector {
  private readonly logger = new Logger(GarbageCollector.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sources: BlobReferenceRegistry,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(GC_OPTIONS) private readonly options: GcOptions,
    private readonly upstream: UpstreamCachePruner,
  ) {}

  async collect(graceSeconds = this.options.graceSeconds, run: GcRunOptions = {}): Promise<GcReport> {
    const pruned = run.upstreamOlderThanDays !== undefined ? await this.upstream.pruneOlderThan(run.upstreamOlderThanDays) : undefined;
    const blobsRepo = this.dataSource.getRepository(Blob);
    const cutoff = new Date(Date.now() - graceSeconds * 1000);
    const candidates = await blobsRepo.find({ where: { createdAt: LessThan(cutoff) } });
    const references = await this.references();
    const report: GcReport = { deletedBlobs: 0, freedBytes: 0, repairedCounts: 0, ...pruned };
    const deleted: string[] = [];
    for (const blob of candidates) {
      const expected = references.get(blob.digest) ?? 0;
      if (expected !== blob.refCount) {
        const fixed = await blobsRepo.update({ digest: blob.digest, refCount: blob.refCount }, { refCount: expected });
        if ((fixed.affected ?? 0) === 0) continue;
        report.repairedCounts += 1;
      }
      if (expected !== 0) continue;
      // Still past the grace period: an upload of these bytes since the scan restarted it.
      const removed = await blobsRepo.delete({ digest: blob.digest, refCount: 0, createdAt: LessThan(cutoff) });
      if ((removed.affected ?? 0) === 0) continue;
      await this.store.delete(blob.digest);
      deleted.push(blob.digest);
      report.deletedBlobs += 1;
      report.freedBytes += blob.size;
    }
    if (deleted.length > 0) for (const source of this.sources.all()) await source.collected?.(deleted);
    if (report.deletedBlobs > 0 || report.repairedCounts > 0) this.logger.log(`garbage collection: ${report.deletedBlobs} blobs (${report.freedBytes} bytes) deleted, ${report.repairedCounts} counts repaired`);
    return report;
  }

  private async references(): Promise<Map<string, number>> {
    const references = new Map<string, number>();
    const add = (digest: string, count: number) => references.set(digest, (references.get(digest) ?? 0) + count);
    const fileRows: { digest: string; count: string | number }[] = await this.dataSource
      .getRepository(PackageFile)
      .createQueryBuilder('f')
      .select('f.blob_digest', 'digest')
      .addSelect('COUNT(*)', 'count')
      .groupBy('f.blob_digest')
      .getRawMany();
    for (const row of fileRows) add(row.digest, Number(row.count));
    for (const source of this.sources.all()) for (const [digest, count] of await source.referenceCounts()) add(digest, count);
    return references;
  }
}
