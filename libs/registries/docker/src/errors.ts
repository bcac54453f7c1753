/**
 * OCI error codes as registered descriptors (distribution `registry/api/errcode/register.go`,
 * `registry/api/v2/errors.go`; OCI distribution-spec §"Error Codes"). The exception filter writes
 * them as `{"errors":[{code,message,detail}]}`.
 */
export const OCI_ERRORS = {
  BLOB_UNKNOWN: { status: 404, message: 'blob unknown to registry' },
  BLOB_UPLOAD_INVALID: { status: 400, message: 'blob upload invalid' },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: 'blob upload unknown to registry' },
  DIGEST_INVALID: { status: 400, message: 'provided digest did not match uploaded content' },
  MANIFEST_BLOB_UNKNOWN: { status: 400, message: 'manifest references a manifest or blob unknown to registry' },
  MANIFEST_INVALID: { status: 400, message: 'manifest invalid' },
  MANIFEST_UNKNOWN: { status: 404, message: 'manifest unknown to registry' },
  NAME_INVALID: { status: 400, message: 'invalid repository name' },
  NAME_UNKNOWN: { status: 404, message: 'repository name not known to registry' },
  SIZE_INVALID: { status: 400, message: 'provided length did not match content length' },
  TAG_INVALID: { status: 400, message: 'manifest tag did not match URI' },
  UNAUTHORIZED: { status: 401, message: 'authentication required' },
  DENIED: { status: 403, message: 'requested access to the resource is denied' },
  UNSUPPORTED: { status: 405, message: 'the operation is unsupported' },
  TOOMANYREQUESTS: { status: 429, message: 'too many requests' },
  UNAVAILABLE: { status: 503, message: 'service unavailable' },
  PAGINATION_NUMBER_INVALID: { status: 400, message: 'invalid number of results requested' },
  RANGE_INVALID: { status: 416, message: 'invalid content range' },
  NOT_FOUND: { status: 404, message: 'not found' },
  UNKNOWN: { status: 500, message: 'unknown error' },
} as const;

export type OciCode = keyof typeof OCI_ERRORS;

export class OciError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: OciCode,
    message?: string,
    readonly detail?: unknown,
    options: { status?: number; headers?: Record<string, string> } = {},
  ) {
    super(message ?? OCI_ERRORS[code].message);
    this.status = options.status ?? OCI_ERRORS[code].status;
    this.headers = options.headers ?? {};
  }
}

/** A 401/403 decided by the access layer; carries the scope the challenge should ask for. */
export class OciAccessError extends OciError {
  constructor(
    code: 'UNAUTHORIZED' | 'DENIED',
    message: string,
    readonly scope: string | undefined,
    /** A registry token was presented but lacked the scope (c/image then fetches a new token). */
    readonly insufficientScope = false,
  ) {
    super(code, message);
  }
}
