/** How Packgate reaches its bucket (README "S3 storage"). Credentials come from the AWS SDK's default chain. */
export interface S3BlobStoreOptions {
  bucket: string;
  /** Key prefix inside the bucket, '' or ending in '/'. */
  prefix: string;
  /** MinIO, Ceph, R2…; undefined: AWS for `region`. */
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  /** Downloads answer a redirect to a presigned GET URL instead of streaming. */
  redirect: boolean;
  /** Lifetime of a presigned download URL (default 300 s). */
  redirectSeconds?: number;
  /** Multipart part size of staging uploads (default 8 MiB; S3's minimum is 5 MiB). */
  partSize?: number;
  /** Parts uploaded at once per staging upload (default 1: the stream is read while no part is in flight; memory about (queueSize + 1) × partSize). */
  queueSize?: number;
  /** Committing an object larger than this copies it part by part (S3's CopyObject limit is 5 GiB). */
  maxSingleCopyBytes?: number;
  /** Bound of the readiness probe (HeadBucket), default 3 s. */
  readyTimeoutMs?: number;
}

export const S3_DEFAULTS = {
  redirectSeconds: 300,
  partSize: 8 * 1024 * 1024,
  queueSize: 1,
  maxSingleCopyBytes: 5 * 1024 ** 3,
  readyTimeoutMs: 3000,
  /** A staging upload still receiving bytes refreshes its marker this often, so no node reclaims it. */
  touchEveryMs: 60_000,
} as const;
