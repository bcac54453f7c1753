import type { Principal, TokenPrincipal } from '../access/principal';
import { can, canCreatorGrant, effectiveRoles } from '../access/evaluator';

/**
 * The one issuance policy for tokens, shared by the REST tokens API and the npm tokens API so the
 * two cannot disagree. Rule: nothing a token does through any API yields a credential that can do
 * more than the token itself — more roles, fewer caveats or a longer life.
 */

/** Expiry of a token created without one, through any API (REST, npm, the CLI). */
export const DEFAULT_TOKEN_LIFETIME_MS = 365 * 24 * 3600 * 1000;
const DAY_MS = 86_400_000;

export type RequestedExpiry = { kind: 'default' } | { kind: 'never' } | { kind: 'at'; at: Date };

export interface IssuanceRequest {
  org: string;
  /** The owner's current roles in `org` (the owner may be another member when an org admin creates it). */
  ownerRoles: ReadonlySet<string>;
  roles: readonly string[];
  expiry: RequestedExpiry;
}

export interface IssuanceLimits {
  /** PACKGATE_MAX_TOKEN_DAYS: the longest lifetime anyone but an installation admin may give a token. */
  maxTokenDays: number;
  /** Server clock, milliseconds (tests). */
  now?: number;
}

export interface IssuancePlan {
  allowed: true;
  expiresAt: Date | null;
  /** Caveat conditions the handed-out secret must carry: those of the calling token, if any. */
  caveats: string[];
}

export interface IssuanceRefusal {
  allowed: false;
  /** 400: the request itself is out of bounds; 403: the caller may not do it. */
  status: 400 | 403;
  reason: string;
}

/**
 * May `principal` create a token with these roles and this expiry, and what does it get? A token
 * creating a token passes on only the roles it holds (write covers read), its caveats (so the
 * secret returned is a derived token) and at most its own record's lifetime.
 */
export function planTokenIssuance(principal: Principal, request: IssuanceRequest, limits: IssuanceLimits): IssuancePlan | IssuanceRefusal {
  if (principal.kind === 'anonymous') return refuse(403, 'authentication required');
  const refused = refusedTokenRoles(principal, request.org, request.ownerRoles, request.roles);
  if (refused.length > 0) return refuse(403, `cannot grant roles you do not hold (or that tokens cannot hold): ${refused.join(', ')}`);

  const now = limits.now ?? Date.now();
  const unexpiring = can(principal, { action: 'installation:issue-unexpiring-tokens', resource: { kind: 'installation' } });
  const latest = unexpiring.allowed ? null : now + limits.maxTokenDays * DAY_MS;
  let expiresAt: number | null;
  switch (request.expiry.kind) {
    case 'default':
      expiresAt = latest === null ? now + DEFAULT_TOKEN_LIFETIME_MS : Math.min(now + DEFAULT_TOKEN_LIFETIME_MS, latest);
      break;
    case 'never':
      if (!unexpiring.allowed) return refuse(403, unexpiring.reason);
      expiresAt = null;
      break;
    case 'at':
      // Whole seconds: what MariaDB's DATETIME keeps, so the answer shows the stored expiry on every database.
      expiresAt = Math.floor(request.expiry.at.getTime() / 1000) * 1000;
      if (!Number.isFinite(expiresAt) || expiresAt <= now) return refuse(400, 'expiresAt must be in the future');
      if (latest !== null && expiresAt > latest) return refuse(400, `expiresAt must be within ${limits.maxTokenDays} days (PACKGATE_MAX_TOKEN_DAYS)`);
      break;
  }

  if (principal.kind === 'token' && principal.recordExpiresAt !== null) {
    const own = principal.recordExpiresAt.getTime();
    if (expiresAt === null || expiresAt > own) {
      if (request.expiry.kind !== 'default') return refuse(403, `a token cannot create a token that outlives it (it expires ${principal.recordExpiresAt.toISOString()})`);
      expiresAt = own;
    }
  }
  const stored = expiresAt === null ? null : new Date(Math.floor(expiresAt / 1000) * 1000);
  return { allowed: true, expiresAt: stored, caveats: principal.kind === 'token' ? [...principal.caveats] : [] };
}

export interface ManagedToken {
  id: string;
  roles: readonly string[];
  expiresAt: Date | null;
}

/**
 * May `principal` rotate or delete `target` (ownership or org:admin is checked separately)? Users
 * may; a token only if it could have created the target itself: every role of the target within its
 * own effective roles, and, for a rotation, nothing of its own lost in the new secret — so a token
 * with caveats never rotates (a rotation hands out a root secret), and a rotated token does not
 * outlive the caller. A token with caveats deletes only itself.
 */
export function decideTokenChange(principal: Principal, change: 'rotate' | 'delete', target: ManagedToken): { allowed: boolean; reason: string } {
  if (principal.kind === 'anonymous') return { allowed: false, reason: 'authentication required' };
  if (principal.kind === 'user') return { allowed: true, reason: 'user' };
  const narrowed = isNarrowed(principal);
  if (change === 'rotate' && narrowed) {
    return { allowed: false, reason: 'a token with caveats cannot rotate tokens: the new root secret would drop its caveats' };
  }
  if (target.id === principal.tokenId) return { allowed: true, reason: 'the token itself' };
  if (change === 'delete' && narrowed) return { allowed: false, reason: 'a token with caveats may delete only itself' };
  const held = effectiveRoles(principal, principal.org);
  const beyond = target.roles.filter((role) => !tokenMayPass(held, role));
  if (beyond.length > 0) return { allowed: false, reason: `the token holds roles this token does not: ${beyond.join(', ')}` };
  if (change === 'rotate' && principal.recordExpiresAt !== null && (target.expiresAt === null || target.expiresAt > principal.recordExpiresAt)) {
    return { allowed: false, reason: `the token expires after this token (${principal.recordExpiresAt.toISOString()})` };
  }
  return { allowed: true, reason: 'within the calling token' };
}

/** Caveats (or any other restriction, e.g. a link token's) narrow this token below its root. */
function isNarrowed(principal: TokenPrincipal): boolean {
  return principal.caveats.length > 0 || principal.restrictions.length > 0;
}

/**
 * The roles of `wanted` that may NOT be put on a new token for an owner holding `ownerRoles` in
 * `org`, created by `principal`: the owner must be able to grant each role, and a token creating a
 * token passes on only what it holds itself.
 */
export function refusedTokenRoles(principal: Principal, org: string, ownerRoles: ReadonlySet<string>, wanted: readonly string[]): string[] {
  const creatorRoles = principal.kind === 'token' ? effectiveRoles(principal, org) : ownerRoles;
  return wanted.filter((role) => !canCreatorGrant(ownerRoles, role) || (principal.kind === 'token' && !tokenMayPass(creatorRoles, role)));
}

/** A token creating a token passes on only what it holds itself (write covers read). */
export function tokenMayPass(held: ReadonlySet<string>, role: string): boolean {
  if (held.has(role)) return true;
  return role.endsWith(':read') && held.has(`${role.slice(0, -':read'.length)}:write`);
}

function refuse(status: 400 | 403, reason: string): IssuanceRefusal {
  return { allowed: false, status, reason };
}
