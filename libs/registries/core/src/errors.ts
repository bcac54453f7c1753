/**
 * Transport-neutral domain errors thrown by the core and by format services. Each format's filter
 * (and the REST filter) maps them to its own wire form and status.
 */
export class RegistryError extends Error {
  constructor(
    message: string,
    /** The HTTP status that fits best; filters may choose differently for their client. */
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends RegistryError {
  constructor(message: string, code = 'NOT_FOUND') {
    super(message, 404, code);
  }
}

export class InvalidInputError extends RegistryError {
  constructor(message: string, code = 'INVALID_INPUT') {
    super(message, 400, code);
  }
}

export class ConflictError extends RegistryError {
  constructor(message: string, code = 'CONFLICT') {
    super(message, 409, code);
  }
}

export class DigestMismatchError extends RegistryError {
  constructor(message: string) {
    super(message, 400, 'DIGEST_MISMATCH');
  }
}

export class PayloadTooLargeError extends RegistryError {
  constructor(message: string) {
    super(message, 413, 'PAYLOAD_TOO_LARGE');
  }
}
