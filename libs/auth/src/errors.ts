/**
 * Transport-neutral auth errors. Each format's exception filter turns them into its own wire form
 * (PyPI plain text + Basic challenge, npm JSON, OCI envelope + Bearer challenge, REST JSON).
 */
export class AuthenticationError extends Error {
  constructor(
    /** credential method → why it refused. Never includes whether a username exists or any secret. */
    readonly reasons: Record<string, string>,
    message = 'Authentication failed',
  ) {
    super(message);
  }
}

export class PermissionDeniedError extends Error {
  constructor(
    readonly reason: string,
    /** True when the caller was anonymous: a 401 challenge fits better than a 403. */
    readonly anonymous: boolean,
  ) {
    super(reason);
  }
}

/** A strategy saw credentials it handles and they are wrong. */
export class CredentialRejected extends Error {}

/**
 * Come back later: a 429 (too many failed password attempts from this address) or a 503 (password
 * hashing is saturated). Each format's filter writes `Retry-After` and its own body.
 */
export class RetryLaterError extends Error {
  constructor(
    readonly status: 429 | 503,
    message: string,
    /** Whole seconds for the Retry-After header (at least 1). */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** Too many failed password attempts for this address (and user): nothing is verified until the block ends. */
export class TooManyAttemptsError extends RetryLaterError {
  constructor(retryAfterSeconds: number) {
    super(429, 'too many failed password attempts; try again later', retryAfterSeconds);
  }
}

/** Password hashing is at capacity: refused fast instead of queueing without bound. */
export class PasswordCheckBusyError extends RetryLaterError {
  constructor(retryAfterSeconds = 1) {
    super(503, 'too many password checks in progress; try again shortly (access tokens are not affected)', retryAfterSeconds);
  }
}
