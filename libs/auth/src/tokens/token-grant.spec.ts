import type { TokenPrincipal, UserPrincipal } from '../access/principal';
import { DEFAULT_TOKEN_LIFETIME_MS, IssuanceRequest, decideTokenChange, planTokenIssuance } from './token-grant';

/** The shared issuance policy: nothing a token does yields a credential that can do more than it. */

const NOW = Date.UTC(2027, 0, 1);
const DAY = 86_400_000;
const limits = { maxTokenDays: 365, now: NOW };

const user = (roles: string[], options: Partial<UserPrincipal> = {}): UserPrincipal => ({
  kind: 'user',
  via: 'session',
  userId: 1,
  username: 'u',
  isAdmin: false,
  memberships: new Map([['acme', new Set(roles)]]),
  restrictions: [],
  ...options,
});

const token = (tokenRoles: string[], creatorRoles: string[], options: Partial<TokenPrincipal> = {}): TokenPrincipal => ({
  kind: 'token',
  tokenId: '00000000-0000-0000-0000-000000000001',
  userId: 1,
  username: 'u',
  org: 'acme',
  tokenRoles: new Set(tokenRoles),
  creatorRoles: new Set(creatorRoles),
  creatorIsMember: true,
  creatorIsAdmin: false,
  caveats: [],
  recordExpiresAt: null,
  restrictions: [],
  ...options,
});

const request = (roles: string[], expiry: IssuanceRequest['expiry'] = { kind: 'default' }, ownerRoles = ['pypi:write', 'docker:write', 'npm:write']): IssuanceRequest => ({
  org: 'acme',
  ownerRoles: new Set(ownerRoles),
  roles,
  expiry,
});

describe('planTokenIssuance', () => {
  it('a user gets what they may grant, one year by default, no caveats', () => {
    const plan = planTokenIssuance(user(['pypi:write']), request(['api', 'pypi:read'], { kind: 'default' }, ['pypi:write']), limits);
    expect(plan).toEqual({ allowed: true, expiresAt: new Date(NOW + DEFAULT_TOKEN_LIFETIME_MS), caveats: [] });
    expect(planTokenIssuance(user(['pypi:read']), request(['pypi:write'], { kind: 'default' }, ['pypi:read']), limits)).toMatchObject({ allowed: false, status: 403 });
  });

  it('a token passes on its caveats, so the secret it receives is a derived token', () => {
    const caller = token(['api', 'pypi:write'], ['pypi:write'], { caveats: ['packages=pypi:pkg-a', `expires=${NOW / 1000 + 600}`] });
    expect(planTokenIssuance(caller, request(['pypi:read']), limits)).toMatchObject({ allowed: true, caveats: ['packages=pypi:pkg-a', `expires=${NOW / 1000 + 600}`] });
  });

  it('a token passes on only roles it holds itself', () => {
    const caller = token(['api'], ['pypi:write', 'docker:write']);
    expect(planTokenIssuance(caller, request(['docker:write']), limits)).toEqual({ allowed: false, status: 403, reason: 'cannot grant roles you do not hold (or that tokens cannot hold): docker:write' });
    expect(planTokenIssuance(token(['api', 'pypi:write'], ['pypi:write']), request(['pypi:read']), limits).allowed).toBe(true);
  });

  it('a token of a removed member issues nothing, not even api', () => {
    const removed = token(['api'], [], { creatorIsMember: false });
    expect(planTokenIssuance(removed, request(['api']), limits)).toMatchObject({ allowed: false, status: 403 });
  });

  it('no token outlives the token that created it: the default is cut, a later date refused', () => {
    const expires = new Date(NOW + 10 * DAY);
    const caller = token(['api'], [], { recordExpiresAt: expires });
    expect(planTokenIssuance(caller, request(['api']), limits)).toMatchObject({ allowed: true, expiresAt: expires });
    expect(planTokenIssuance(caller, request(['api'], { kind: 'at', at: new Date(NOW + 5 * DAY) }), limits)).toMatchObject({ allowed: true, expiresAt: new Date(NOW + 5 * DAY) });
    expect(planTokenIssuance(caller, request(['api'], { kind: 'at', at: new Date(NOW + 20 * DAY) }), limits)).toMatchObject({ allowed: false, status: 403 });
    const adminToken = token(['api'], [], { creatorIsAdmin: true, recordExpiresAt: expires });
    expect(planTokenIssuance(adminToken, request(['api'], { kind: 'never' }), limits)).toMatchObject({ allowed: false, status: 403 });
  });

  it('PACKGATE_MAX_TOKEN_DAYS bounds every spelling for everyone but installation admins', () => {
    const far = { kind: 'at', at: new Date('9999-12-31T00:00:00Z') } as const;
    expect(planTokenIssuance(user([]), request(['api'], far), limits)).toEqual({ allowed: false, status: 400, reason: 'expiresAt must be within 365 days (PACKGATE_MAX_TOKEN_DAYS)' });
    expect(planTokenIssuance(user([]), request(['api'], { kind: 'at', at: new Date(NOW + 365 * DAY) }), limits).allowed).toBe(true);
    expect(planTokenIssuance(user([]), request(['api'], { kind: 'never' }), limits)).toMatchObject({ allowed: false, status: 403 });
    expect(planTokenIssuance(user([]), request(['api']), { maxTokenDays: 30, now: NOW })).toMatchObject({ allowed: true, expiresAt: new Date(NOW + 30 * DAY) });
    expect(planTokenIssuance(token(['api'], []), request(['api'], far), limits)).toMatchObject({ allowed: false, status: 400 });

    const admin = user([], { isAdmin: true });
    expect(planTokenIssuance(admin, request(['api'], far), limits)).toMatchObject({ allowed: true, expiresAt: far.at });
    expect(planTokenIssuance(admin, request(['api'], { kind: 'never' }), limits)).toMatchObject({ allowed: true, expiresAt: null });
    expect(planTokenIssuance(token(['api'], [], { creatorIsAdmin: true }), request(['api'], { kind: 'never' }), limits)).toMatchObject({ allowed: true, expiresAt: null });
  });

  it('keeps whole seconds (what every database stores)', () => {
    expect(planTokenIssuance(user([]), request(['api'], { kind: 'at', at: new Date(NOW + DAY + 999) }), limits)).toMatchObject({ expiresAt: new Date(NOW + DAY) });
  });

  it('refuses dates in the past', () => {
    expect(planTokenIssuance(user([]), request(['api'], { kind: 'at', at: new Date(NOW - 1) }), limits)).toEqual({ allowed: false, status: 400, reason: 'expiresAt must be in the future' });
    // Less than a second ahead rounds down to now, which is not in the future.
    expect(planTokenIssuance(user([]), request(['api'], { kind: 'at', at: new Date(NOW + 500) }), limits)).toMatchObject({ allowed: false, status: 400 });
  });
});

describe('decideTokenChange', () => {
  const sibling = { id: '00000000-0000-0000-0000-000000000002', roles: ['docker:write', 'npm:write'], expiresAt: null };
  const self = { id: '00000000-0000-0000-0000-000000000001', roles: ['api', 'pypi:write'], expiresAt: null };

  it('users manage their tokens (ownership is checked by the caller)', () => {
    expect(decideTokenChange(user([]), 'rotate', sibling).allowed).toBe(true);
  });

  it('a token may not rotate or delete a sibling holding roles it lacks', () => {
    const caller = token(['api'], ['docker:write', 'npm:write']);
    for (const change of ['rotate', 'delete'] as const) {
      expect(decideTokenChange(caller, change, sibling)).toEqual({ allowed: false, reason: 'the token holds roles this token does not: docker:write, npm:write' });
    }
    const wider = token(['api', 'docker:write', 'npm:write'], ['docker:write', 'npm:write']);
    expect(decideTokenChange(wider, 'rotate', sibling).allowed).toBe(true);
    expect(decideTokenChange(wider, 'rotate', { ...sibling, roles: ['docker:read'] }).allowed).toBe(true);
  });

  it('a token may not rotate a sibling that outlives it', () => {
    const caller = token(['api', 'docker:write', 'npm:write'], ['docker:write', 'npm:write'], { recordExpiresAt: new Date(NOW + DAY) });
    expect(decideTokenChange(caller, 'rotate', sibling).allowed).toBe(false);
    expect(decideTokenChange(caller, 'rotate', { ...sibling, expiresAt: new Date(NOW) }).allowed).toBe(true);
    expect(decideTokenChange(caller, 'delete', sibling).allowed).toBe(true);
  });

  it('a token with caveats never rotates, not even itself, and deletes only itself', () => {
    const caller = token(['api', 'pypi:write', 'docker:write', 'npm:write'], ['org:admin'], { caveats: ['packages=pypi:pkg-a'] });
    expect(decideTokenChange(caller, 'rotate', self)).toEqual({ allowed: false, reason: 'a token with caveats cannot rotate tokens: the new root secret would drop its caveats' });
    expect(decideTokenChange(caller, 'rotate', sibling).allowed).toBe(false);
    expect(decideTokenChange(caller, 'delete', sibling)).toEqual({ allowed: false, reason: 'a token with caveats may delete only itself' });
    expect(decideTokenChange(caller, 'delete', self).allowed).toBe(true);
  });

  it('a root token may rotate itself even when its creator has since lost a role', () => {
    expect(decideTokenChange(token(['api', 'pypi:write'], []), 'rotate', self).allowed).toBe(true);
  });
});
