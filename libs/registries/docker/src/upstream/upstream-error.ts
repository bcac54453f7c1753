/**
 * Why the upstream could not give what was asked: `not-found` (404 there), `refused` (it refused
 * the configured credentials), `tampered` (bytes do not match their digest), `invalid` (too large or
 * malformed), `unreachable` (network, timeout, 5xx). Messages name the upstream host, never a
 * credential or a full URL.
 */
export type UpstreamFailure = 'not-found' | 'refused' | 'tampered' | 'invalid' | 'unreachable';

export class UpstreamError extends Error {
  constructor(
    readonly kind: UpstreamFailure,
    readonly host: string,
    message: string,
    /** Already counted in the upstream error metric (by the core client). */
    readonly counted = false,
  ) {
    super(message);
  }
}
