import { can, TokenPrincipal } from '@packgate/auth';
import { RegistryScopeRestriction, parseScopes } from './scope';

describe('registry token scopes', () => {
  const principal = (scopes: string[]): TokenPrincipal => ({
    kind: 'token',
    tokenId: '00000000-0000-0000-0000-000000000001',
    userId: 1,
    username: 'u',
    org: 'acme',
    tokenRoles: new Set(['docker:write']),
    creatorRoles: new Set(['docker:write']),
    creatorIsMember: true,
    creatorIsAdmin: false,
    caveats: [],
    recordExpiresAt: null,
    restrictions: [new RegistryScopeRestriction(parseScopes(scopes))],
  });
  // Package `app` of org `acme` is repository `acme/app` in scopes.
  const repo = { kind: 'package', org: 'acme', type: 'docker', name: 'app', private: true, permissionMode: 'standard' } as const;
  const may = (scopes: string[], action: 'package:read' | 'package:write' | 'package:delete', name = 'app') =>
    can(principal(scopes), { action, resource: { ...repo, name } }).allowed;

  it('pull grants reads only', () => {
    expect(may(['repository:acme/app:pull'], 'package:read')).toBe(true);
    expect(may(['repository:acme/app:pull'], 'package:write')).toBe(false);
    expect(may(['repository:acme/app:pull'], 'package:delete')).toBe(false);
  });

  it('push and delete are separate: neither grants the other', () => {
    expect(may(['repository:acme/app:pull,push'], 'package:write')).toBe(true);
    expect(may(['repository:acme/app:pull,push'], 'package:delete')).toBe(false);
    expect(may(['repository:acme/app:delete'], 'package:delete')).toBe(true);
    expect(may(['repository:acme/app:delete'], 'package:write')).toBe(false);
  });

  it('* grants every action, on the named repository only', () => {
    for (const action of ['package:read', 'package:write', 'package:delete'] as const) expect(may(['repository:acme/app:*'], action)).toBe(true);
    expect(may(['repository:acme/app:*'], 'package:read', 'other')).toBe(false);
    expect(may(['repository:app:*'], 'package:read')).toBe(false);
    expect(can(principal(['repository:acme/app:pull']), { action: 'package:read', resource: { ...repo, org: 'other' } }).allowed).toBe(false);
  });

  it('a scope never grants what roles do not', () => {
    const readOnly = { ...principal(['repository:acme/app:*']), tokenRoles: new Set(['docker:read']) };
    expect(can(readOnly, { action: 'package:delete', resource: repo }).allowed).toBe(false);
    expect(can(readOnly, { action: 'package:write', resource: repo }).allowed).toBe(false);
  });
});
