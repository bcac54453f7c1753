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
