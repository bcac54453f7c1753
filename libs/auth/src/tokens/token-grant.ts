import type { Principal } from '../access/principal';
import { canCreatorGrant, effectiveRoles } from '../access/evaluator';

/**
 * The roles of `wanted` that may NOT be put on a new token for an owner holding `ownerRoles` in
 * `org`, created by `principal` (design.md §3): the owner must be able to grant each role, and a
 * token creating a token passes on only what it holds itself (write covers read). Shared by the
 * REST tokens API and the npm tokens API.
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

/** Expiry of a token created without one, through any API (REST, npm, the CLI). */
export const DEFAULT_TOKEN_LIFETIME_MS = 365 * 24 * 3600 * 1000;
