/**
 * S3 failures as dependency failures: the classifier in `faults/` answers them 503 with
 * Retry-After in every client's format. The message names the operation only, never the endpoint,
 * bucket or the service's own text.
 */
export class BlobStoreUnavailableError extends Error {
  readonly code = 'BLOB_STORE_UNAVAILABLE';

  constructor(operation: string, cause: unknown) {
    super(`blob storage unavailable (${operation})`, { cause });
  }
}

interface SdkError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** The object (not the bucket) does not exist. */
export function isMissingObject(error: unknown): boolean {
  const { name, $metadata } = (error ?? {}) as SdkError;
  if (name === 'NoSuchBucket') return false;
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404;
}

/** The server does not implement the call (s3rver lacks ListMultipartUploads, for instance). */
export function isNotImplemented(error: unknown): boolean {
  const { name, $metadata } = (error ?? {}) as SdkError;
  return name === 'NotImplemented' || name === 'MethodNotAllowed' || $metadata?.httpStatusCode === 501 || $metadata?.httpStatusCode === 405;
}

export function unavailable(operation: string, error: unknown): BlobStoreUnavailableError {
  return error instanceof BlobStoreUnavailableError ? error : new BlobStoreUnavailableError(operation, error);
}
