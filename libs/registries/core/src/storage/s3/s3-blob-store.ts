import { randomUUID } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { NotFoundError } from '../../errors';
import type { BlobStore, BlobStoreReadiness, ByteRange, StageOptions, StagedBlob, StagedBlobRecord, StagingUsage } from '../blob-store';
import { HashingCounter, stagingAlgorithms } from '../hashing-counter';
import { createS3Client } from './s3-client';
import { copyObject } from './s3-copy';
import { isMissingObject, isNotImplemented, unavailable } from './s3-errors';
import { S3Keys, isStagingId } from './s3-keys';
import { S3_DEFAULTS, S3BlobStoreOptions } from './s3-options';

const noop = () => undefined;

/**
 * Blobs in an S3-compatible bucket (see S3Keys for the layout). An upload streams into a staging
 * object (multipart beyond one part, a few parts in memory at most) while being hashed; `commit`
 * copies it under its digest and deletes the staging object, so nothing is visible under a digest
 * before it checks out. All staging state is in the bucket and in the caller's record: any node
 * can resume, commit or discard what another staged. Failures of S3 are BlobStoreUnavailableError
 * (503); a missing object is NotFoundError or null.
 */
export class S3BlobStore implements BlobStore {
  readonly client: S3Client;
  private readonly keys: S3Keys;
  private readonly bucket: string;
  /** Staging entries this process is writing or holding (never reclaimed while listed). */
  private readonly held = new Set<string>();

  constructor(
    private readonly options: S3BlobStoreOptions,
    client?: S3Client,
  ) {
    this.client = client ?? createS3Client(options);
    this.keys = new S3Keys(options.prefix);
    this.bucket = options.bucket;
  }

  onModuleDestroy(): void {
    this.client.destroy();
  }

  async stage(source: Readable, options: StageOptions = {}): Promise<StagedBlob> {
    const addressBy = options.addressBy ?? 'sha256';
    // Until the pipeline attaches, a failing source must not be an unhandled 'error' event.
    source.on('error', noop);
    const counter = new HashingCounter(stagingAlgorithms(addressBy, options.algorithms), options.maxBytes ?? Number.MAX_SAFE_INTEGER);
    const id = randomUUID();
    this.held.add(id);
    const body = new PassThrough({ highWaterMark: 1024 * 1024 });
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.keys.staging(id), Body: body, ContentType: 'application/octet-stream' },
      partSize: this.options.partSize ?? S3_DEFAULTS.partSize,
      queueSize: this.options.queueSize ?? S3_DEFAULTS.queueSize,
      leavePartsOnError: false,
    });
    let lastTouch = Date.now();
    upload.on('httpUploadProgress', () => {
      // A long upload keeps its staging marker fresh, so another node's reclaim leaves it alone.
      if (Date.now() - lastTouch < S3_DEFAULTS.touchEveryMs) return;
      lastTouch = Date.now();
      void this.touchStaged(id);
    });
    let sourceError: unknown;
    let storeError: unknown;
    // When the body fails (client gone, too large), the Upload sees it, aborts its multipart upload
    // and rejects; when S3 fails first, the body is destroyed so the pipeline ends too.
    const uploaded = upload.done().then(noop, (error: unknown) => {
      if (sourceError === undefined) storeError = error;
      body.destroy(error as Error);
    });
    try {
      await pipeline(source, counter, body);
    } catch (error) {
      if (storeError === undefined) sourceError = error;
    }
    await uploaded;
    if (storeError !== undefined || sourceError !== undefined) {
      if (storeError === undefined) await this.deleteStaging(id).catch(noop);
      this.held.delete(id);
      throw storeError !== undefined ? unavailable('staging upload', storeError) : sourceError;
    }
    const hashes = counter.digests();
    return this.stagedHandle({ id, size: counter.size, hashes, digest: `${addressBy}:${hashes[addressBy]}` });
  }

  private stagedHandle({ id, size, hashes, digest }: StagedBlobRecord): StagedBlob {
    this.held.add(id);
    let settled = false;
    const stagingKey = this.keys.staging(id);
    return {
      id,
      size,
      hashes,
      digest,
      open: async (range?: ByteRange) => {
        if (settled) throw new Error('staged blob already committed or discarded');
        return this.getObject(stagingKey, range, 'read staged data');
      },
      commit: async () => {
        if (settled) return;
        settled = true;
        try {
          const blobKey = this.keys.blob(digest);
          if ((await this.headSize(blobKey, 'commit')) !== size) {
            await copyObject(this.client, this.bucket, stagingKey, blobKey, size, this.options.maxSingleCopyBytes ?? S3_DEFAULTS.maxSingleCopyBytes).catch((error) => {
              throw unavailable('commit', error);
            });
          }
          // The blob is in place: a staging object left by a failed delete is reclaimed later.
          await this.deleteStaging(id).catch(noop);
        } finally {
          this.held.delete(id);
        }
      },
      discard: async () => {
        if (settled) return;
        settled = true;
        try {
          await this.deleteStaging(id);
        } finally {
          this.held.delete(id);
        }
      },
    };
  }

  async resumeStaged(record: StagedBlobRecord): Promise<StagedBlob | null> {
    if (!isStagingId(record.id)) return null;
    if ((await this.headSize(this.keys.staging(record.id), 'resume staged data')) !== record.size) return null;
    return this.stagedHandle(record);
  }

  async touchStaged(id: string): Promise<void> {
    if (!isStagingId(id)) return;
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.keys.touched(id), Body: new Uint8Array(0), ContentLength: 0 })).catch(noop);
  }

  async discardStaged(id: string): Promise<void> {
    if (!isStagingId(id)) return;
    await this.deleteStaging(id);
    this.held.delete(id);
  }

  private async deleteStaging(id: string): Promise<void> {
    await Promise.all([this.deleteKey(this.keys.staging(id), 'discard staged data'), this.deleteKey(this.keys.touched(id), 'discard staged data')]);
  }

  async stagingUsage(): Promise<StagingUsage> {
    const usage = { files: 0, bytes: 0 };
    for (const entry of (await this.stagingEntries()).values()) {
      if (entry.size === undefined) continue;
      usage.files += 1;
      usage.bytes += entry.size;
    }
    return usage;
  }

  /**
   * Deletes staging objects and aborts multipart uploads under the staging prefix whose last
   * activity (object time, marker time, upload start) is older than `olderThanMs`. A server without
   * ListMultipartUploads only gets its objects reclaimed (a bucket lifecycle rule
   * AbortIncompleteMultipartUpload covers the rest).
   */
  async reclaimStaging(olderThanMs: number): Promise<StagingUsage> {
    const limit = Date.now() - olderThanMs;
    const entries = await this.stagingEntries();
    const uploads: Array<{ id: string; key: string; uploadId: string }> = [];
    try {
      for await (const upload of this.multipartUploads()) {
        const parsed = this.keys.parseStaging(upload.Key ?? '');
        if (!parsed || parsed.marker || !upload.UploadId) continue;
        const entry = entries.get(parsed.id) ?? { lastActivity: 0 };
        entry.lastActivity = Math.max(entry.lastActivity, upload.Initiated?.getTime() ?? 0);
        entries.set(parsed.id, entry);
        uploads.push({ id: parsed.id, key: upload.Key!, uploadId: upload.UploadId });
      }
    } catch (error) {
      if (!isNotImplemented(error)) throw unavailable('list multipart uploads', error);
    }
    const stale = (id: string) => !this.held.has(id) && (entries.get(id)?.lastActivity ?? 0) < limit;
    const reclaimed = { files: 0, bytes: 0 };
    for (const [id, entry] of entries) {
      if (!stale(id) || (entry.size === undefined && !entry.marker)) continue;
      await this.deleteStaging(id).catch(noop);
      if (entry.size !== undefined) {
        reclaimed.files += 1;
        reclaimed.bytes += entry.size;
      }
    }
    for (const upload of uploads) {
      if (!stale(upload.id)) continue;
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.key, UploadId: upload.uploadId })).catch(noop);
      reclaimed.files += 1;
    }
    return reclaimed;
  }

  /** Staging entries by id: data size (when the object exists), marker, latest activity. */
  private async stagingEntries(): Promise<Map<string, { size?: number; marker?: boolean; lastActivity: number }>> {
    const entries = new Map<string, { size?: number; marker?: boolean; lastActivity: number }>();
    for await (const object of this.objects(this.keys.stagingPrefix, 'list staging')) {
      const parsed = this.keys.parseStaging(object.Key ?? '');
      if (!parsed) continue;
      const entry = entries.get(parsed.id) ?? { lastActivity: 0 };
      entry.lastActivity = Math.max(entry.lastActivity, object.LastModified?.getTime() ?? 0);
      if (parsed.marker) entry.marker = true;
      else entry.size = object.Size ?? 0;
      entries.set(parsed.id, entry);
    }
    return entries;
  }

  async exists(digest: string): Promise<boolean> {
    return (await this.size(digest)) !== null;
  }

  async size(digest: string): Promise<number | null> {
    return this.headSize(this.keys.blob(digest), 'size');
  }

  async open(digest: string, range?: ByteRange): Promise<Readable> {
    return this.getObject(this.keys.blob(digest), range, 'read');
  }

  async delete(digest: string): Promise<void> {
    await this.deleteKey(this.keys.blob(digest), 'delete');
  }

  async *list(): AsyncIterable<string> {
    for await (const object of this.objects(this.keys.blobsPrefix, 'list')) {
      const digest = this.keys.digestOf(object.Key ?? '');
      if (digest) yield digest;
    }
  }

  async checkReady(): Promise<BlobStoreReadiness> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: AbortSignal.timeout(this.options.readyTimeoutMs ?? S3_DEFAULTS.readyTimeoutMs) });
      return 'ok';
    } catch {
      return 'unreachable';
    }
  }

  async downloadUrl(digest: string): Promise<string | null> {
    if (!this.options.redirect) return null;
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: this.keys.blob(digest) });
    try {
      return await getSignedUrl(this.client, command, { expiresIn: this.options.redirectSeconds ?? S3_DEFAULTS.redirectSeconds });
    } catch (error) {
      throw unavailable('presign', error);
    }
  }

  private async getObject(key: string, range: ByteRange | undefined, operation: string): Promise<Readable> {
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }));
      return answer.Body as Readable;
    } catch (error) {
      if (isMissingObject(error)) throw new NotFoundError('blob content is missing from storage');
      throw unavailable(operation, error);
    }
  }

  private async headSize(key: string, operation: string): Promise<number | null> {
    try {
      return (await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))).ContentLength ?? 0;
    } catch (error) {
      if (isMissingObject(error)) return null;
      throw unavailable(operation, error);
    }
  }

  private async deleteKey(key: string, operation: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (!isMissingObject(error)) throw unavailable(operation, error);
    }
  }

  private async *objects(prefix: string, operation: string) {
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      } catch (error) {
        throw unavailable(operation, error);
      }
      yield* page.Contents ?? [];
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  private async *multipartUploads() {
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const page = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: this.keys.stagingPrefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
      yield* page.Uploads ?? [];
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
  }
}
