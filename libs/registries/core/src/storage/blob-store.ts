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

/**
 * Content-addressed storage. The filesystem implementation is the default; an S3-compatible backend
 * implements the same interface.
 */
export interface BlobStore {
  stage(source: Readable, options?: StageOptions): Promise<StagedBlob>;
  exists(digest: string): Promise<boolean>;
  size(digest: string): Promise<number | null>;
  open(digest: string, range?: ByteRange): Promise<Readable>;
  delete(digest: string): Promise<void>;
  /** Every stored digest (for garbage collection). */
  list(): AsyncIterable<string>;
}

export const BLOB_STORE = Symbol('BLOB_STORE');
