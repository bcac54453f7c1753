import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import { BLOB_STORE, Blob, BlobStore, PackageFile } from '@packgate/registries/core';
import { DOCKER_OPTIONS, DockerOptions } from '../docker-options';
import { RepositoryService } from '../storage/repository.service';

export interface GcReport {
  deletedBlobs: number;
  freedBytes: number;
  /** Reference counts found wrong and corrected (e.g. repositories deleted through the REST API). */
  repairedCounts: number;
}

/**
 * Mark and sweep over the core Blob table: a blob's references are the package files and Docker
 * manifests naming it. Only blobs older than the grace period are considered, so layers uploaded for
 * a manifest that is still on its way survive (upload sessions are staged, not yet blobs). Counts
 * are corrected and rows deleted with conditional updates (`WHERE ref_count = <seen>`), so a manifest
 * stored meanwhile wins: its reference changes the count and the blob stays.
 */
@Injectable()
export class DockerGcService {
  private readonly logger = new Logger(DockerGcService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repositories: RepositoryService,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(DOCKER_OPTIONS) private readonly options: DockerOptions,
  ) {}

  async collect(graceSeconds = this.options.gcGraceSeconds): Promise<GcReport> {
    const blobsRepo = this.dataSource.getRepository(Blob);
    const cutoff = new Date(Date.now() - graceSeconds * 1000);
    const candidates = await blobsRepo.find({ where: { createdAt: LessThan(cutoff) } });
    const references = await this.repositories.manifestReferenceCounts();
    const fileRows: { digest: string; count: string | number }[] = await this.dataSource
      .getRepository(PackageFile)
      .createQueryBuilder('f')
      .select('f.blob_digest', 'digest')
      .addSelect('COUNT(*)', 'count')
      .groupBy('f.blob_digest')
      .getRawMany();
    for (const row of fileRows) references.set(row.digest, (references.get(row.digest) ?? 0) + Number(row.count));
    const report: GcReport = { deletedBlobs: 0, freedBytes: 0, repairedCounts: 0 };
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
    await this.repositories.deleteLinks(deleted);
    if (report.deletedBlobs > 0 || report.repairedCounts > 0) this.logger.log(`garbage collection: ${report.deletedBlobs} blobs (${report.freedBytes} bytes) deleted, ${report.repairedCounts} counts repaired`);
    return report;
  }
}
