import * as path from 'node:path';
import type { BlobStore } from './blob-store';
import { FsBlobStore } from './fs-blob-store';
import type { S3BlobStoreOptions } from './s3/s3-options';

/** Where blobs live: the data directory (default) or an S3-compatible bucket. */
export type BlobStoreSettings = { kind: 'fs' } | ({ kind: 's3' } & S3BlobStoreOptions);

export async function createBlobStore(settings: BlobStoreSettings, dataDir: string, minFreeBytes?: number): Promise<BlobStore> {
  if (settings.kind === 's3') {
    const { kind: _kind, ...options } = settings;
    // Loaded only here: the AWS SDK costs a disk-store server memory and start-up time for nothing.
    const { S3BlobStore } = await import('./s3/s3-blob-store');
    return new S3BlobStore(options);
  }
  const store = new FsBlobStore(path.join(dataDir, 'blobs'), { minFreeBytes });
  await store.init();
  return store;
}
