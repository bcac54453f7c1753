import type { Restriction } from './restriction';

/**
 * Who is asking. Every strategy (password, token, session, anonymous, registry bearer) produces one
 * of these shapes; the evaluator is the only code that interprets them.
 */
export type Principal = AnonymousPrincipal | UserPrincipal | TokenPrincipal;

export interface AnonymousPrincipal {
  kind: 'anonymous';
  restrictions: readonly Restriction[];
}

export interface UserPrincipal {
  kind: 'user';
  /** How the user proved who they are: HTTP Basic password or dashboard session cookie. */
  via: 'password' | 'session';
  userId: number;
  username: string;
  isAdmin: boolean;
  /** org slug → roles held there. */
  memberships: ReadonlyMap<string, ReadonlySet<string>>;
  restrictions: readonly Restriction[];
}

export interface TokenPrincipal {
  kind: 'token';
  tokenId: string;
  userId: number;
  username: string;
  org: string;
  /** Roles written on the token record (before capping by the creator's current roles). */
  tokenRoles: ReadonlySet<string>;
  /** The creator's current roles in the token's org; a token never exceeds what they may grant. */
  creatorRoles: ReadonlySet<string>;
  /** Whether the creator is still a member of the token's org: without membership a token holds nothing. */
  creatorIsMember: boolean;
  creatorIsAdmin: boolean;
  /** Caveat conditions of the presented macaroon, as written (a token it creates must carry them). */
  caveats: readonly string[];
  /** Expiry of the token record (the root token), null when it never expires. */
  recordExpiresAt: Date | null;
  /** Caveats of the macaroon (and any other narrowing, e.g. registry token scopes). */
  restrictions: readonly Restriction[];
}

export const ANONYMOUS: AnonymousPrincipal = Object.freeze({ kind: 'anonymous', restrictions: [] });

export function principalLabel(principal: Principal): string {
  switch (principal.kind) {
    case 'anonymous':
      return 'anonymous';
    case 'user':
      return `user:${principal.username}`;
    case 'token':
      return `token:${principal.tokenId} (user:${principal.username})`;
  }
}
