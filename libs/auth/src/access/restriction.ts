import type { AccessRequest } from './access-request';

/**
 * Something that can only narrow what a principal may do: a macaroon caveat, a registry token's
 * scopes. `check` returns null when the request passes, or the reason it is refused.
 */
export interface Restriction {
  readonly name: string;
  check(request: AccessRequest): string | null;
}
