import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';

export type HashAlgorithm = 'sha256' | 'sha512' | 'sha1' | 'md5';

export interface StageOptions {
  /** Extra digests to compute while streaming (sha256 is always computed). */
  algorithms?: HashAlgorithm[];
  /** Abort with PayloadTooLargeError past this many bytes. */
  maxBytes?: number;
  /** The digest the blob is addressed by once committed (default sha256; OCI also pushes sha512). */
  addressBy?: 'sha256' | 'sha512';
}

/**
 * Bytes received and hashed, held in a temporary location. Nothing is visible under its digest until
 * `commit`; `discard` removes the temporary data.
 */
export interface StagedBlob {
  /** Name of the staging data, to find it again after a restart (`resumeStaged`). */
  readonly id: string;
  readonly size: number;
  /** Lower-case hex per algorithm. */
  readonly hashes: Readonly<Partial<Record<HashAlgorithm, string>>>;
  /** `sha256:<hex>` (or `sha512:<hex>` when staged with `addressBy: 'sha512'`). */
  readonly digest: string;
  /** Reads the staged bytes back (to join the chunks of a resumable upload, or check a file before committing it). */
  open(range?: ByteRange): Promise<Readable>;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/** An open local file and the bytes of it to send (`end` inclusive); the receiver closes the handle. */
export interface FileRegion {
  readonly handle: FileHandle;
  readonly start: number;
  readonly end: number;
}

/** A blob's bytes to send: a local file region (sent from reused buffers) or a stream (S3). */
export type BlobBody = ({ kind: 'file' } & FileRegion) | { kind: 'stream'; stream: Readable };

/**
 * Content-addressed storage. The filesystem implementation is the default; an S3-compatible backend
 * implements the same interface.
 */
export interface BlobStore extends StagingArea {
  stage(source: Readable, options?: StageOptions): Promise<StagedBlob>;
  exists(digest: string): Promise<boolean>;
  size(digest: string): Promise<number | null>;
  open(digest: string, range?: ByteRange): Promise<Readable>;
  /**
   * Stores that keep blobs in local files: the file opened for a download, so the response can be
   * written from reused buffers instead of a stream allocating one per read (`openBlobBody`).
   */
  openFile?(digest: string, range?: ByteRange): Promise<FileRegion>;
  delete(digest: string): Promise<void>;
  /** Every stored digest (for garbage collection). */
  list(): AsyncIterable<string>;
  /** `ok`, or what keeps the store from serving (`low`, `unreadable`, `unreachable`): for /readyz. */
  checkReady?(): Promise<BlobStoreReadiness>;
  /**
   * A short-lived URL the client can fetch the blob from itself (S3 presigned GET), or null when the
   * server streams it. Call only after the access check passed.
   */
  downloadUrl?(digest: string): Promise<string | null>;
}

export type BlobStoreReadiness = 'ok' | 'low' | 'unreadable' | 'unreachable';

/** What a staged blob's bookkeeping needs to find it again after a restart. */
export interface StagedBlobRecord {
  id: string;
  size: number;
  hashes: Partial<Record<HashAlgorithm, string>>;
  digest: string;
}

export interface StagingUsage {
  files: number;
  bytes: number;
}

/**
 * Staging housekeeping: partial uploads of a killed process stay in staging until reclaimed. A
 * staging entry's age is its last write or `touchStaged`; entries this process is still writing or
 * holding are never reclaimed.
 */
export interface StagingArea {
  stagingUsage(): Promise<StagingUsage>;
  /** Deletes staging entries untouched for longer than `olderThanMs`; returns what was removed. */
  reclaimStaging(olderThanMs: number): Promise<StagingUsage>;
  /** Marks staged data as in use now (an idle resumable upload keeps its parts). */
  touchStaged(id: string): Promise<void>;
  /** A staged blob staged earlier (perhaps by another process); null when its data is gone. */
  resumeStaged(record: StagedBlobRecord): Promise<StagedBlob | null>;
  /** Removes staged data by name (e.g. of an expired upload whose process is gone). */
  discardStaged(id: string): Promise<void>;
}

export const BLOB_STORE = Symbol('BLOB_STORE');
