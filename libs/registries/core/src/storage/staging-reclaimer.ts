import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Counter, Gauge, register } from 'prom-client';
import { BLOB_STORE, BlobStore } from './blob-store';

export const STAGING_OPTIONS = Symbol('STAGING_OPTIONS');

export interface StagingOptions {
  /** Staging entries untouched this long belong to no live upload and are deleted. */
  graceSeconds: number;
}

function single<T>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

const reclaimedFiles = single('packgate_staging_reclaimed_files_total', () => new Counter({ name: 'packgate_staging_reclaimed_files_total', help: 'Abandoned staging files (partial uploads) deleted' }));
const reclaimedBytes = single('packgate_staging_reclaimed_bytes_total', () => new Counter({ name: 'packgate_staging_reclaimed_bytes_total', help: 'Bytes of abandoned staging files deleted' }));

/**
 * Deletes what interrupted uploads leave in staging (a killed process never runs its clean-up): at
 * start and then every grace/4 (at most every 10 minutes). Publishes staging files and bytes as
 * gauges, read when /metrics is scraped.
 */
@Injectable()
export class StagingReclaimer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('StagingReclaimer');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(STAGING_OPTIONS) private readonly options: StagingOptions,
  ) {
    // Storage unreachable (S3 outage): keep the last figures, /metrics must still answer.
    let last = { files: 0, bytes: 0 };
    const usage = async () => (last = (await this.store.stagingUsage().catch(() => undefined)) ?? last);
    const files = single('packgate_staging_files', () => new Gauge({ name: 'packgate_staging_files', help: 'Files in upload staging (in-progress or abandoned uploads)' }));
    const bytes = single('packgate_staging_bytes', () => new Gauge({ name: 'packgate_staging_bytes', help: 'Bytes in upload staging' }));
    // The gauges are module-level singletons; the latest store (tests start several apps) reports.
    (files as unknown as { collect?: () => Promise<void> }).collect = async function (this: Gauge) {
      this.set((await usage()).files);
    };
    (bytes as unknown as { collect?: () => Promise<void> }).collect = async function (this: Gauge) {
      this.set((await usage()).bytes);
    };
  }

  onApplicationBootstrap(): void {
    void this.reclaim();
    const every = Math.max(1000, Math.min(600_000, (this.options.graceSeconds * 1000) / 4));
    this.timer = setInterval(() => void this.reclaim(), every).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; concurrent calls share it. */
  reclaim(): Promise<void> {
    this.running ??= (async () => {
      try {
        const removed = await this.store.reclaimStaging(this.options.graceSeconds * 1000);
        if (removed.files > 0) {
          reclaimedFiles.inc(removed.files);
          reclaimedBytes.inc(removed.bytes);
          this.logger.log(`reclaimed ${removed.files} abandoned staging file(s), ${removed.bytes} bytes`);
        }
      } catch (error) {
        this.logger.warn(`staging reclaim failed: ${(error as Error).message}`);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }
}
