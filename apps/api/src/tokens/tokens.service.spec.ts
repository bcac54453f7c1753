import { BadRequestException, ForbiddenException, NotFoundException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Repository } from 'typeorm';
import { AccessService, AccessToken, AuditService, AuthOptions, IdentityService, PermissionDeniedError, Principal, TokenPrincipal, TokenService, UserPrincipal, attenuateToken } from '@packgate/auth';
import type { OrgLookupService } from '../orgs/org-lookup.service';
import type { OrgRolesService } from '../orgs/org-roles.service';
import { TokensService } from './tokens.service';

/**
 * The REST token rules with the real TokenService and evaluator over in-memory rows: who may
 * create, see, rotate and delete which token, and what a token may be given.
 */

const ACME = { id: 1, slug: 'acme' };
const users = new Map([
  [1, { id: 1, username: 'alice', isAdmin: false, disabled: false }],
  [2, { id: 2, username: 'bob', isAdmin: false, disabled: false }],
  [3, { id: 3, username: 'carol', isAdmin: false, disabled: false }],
]);
/** user id → roles in acme (carol is not a member). */
const memberships = new Map<number, string[]>([
  [1, ['dashboard', 'org:admin', 'pypi:write', 'npm:write']],
  [2, ['dashboard', 'pypi:read']],
]);

function memoryTokens() {
  const rows = new Map<string, AccessToken>();
  return {
    rows,
    create: (input: AccessToken) => ({ ...input }),
    save: async (record: AccessToken) => (rows.set(record.id, { ...record }), record),
    delete: async ({ id }: { id: string }) => rows.delete(id),
    findOne: async ({ where: { id } }: { where: { id: string } }) => (rows.has(id) ? { ...rows.get(id)! } : null),
    find: async ({ where }: { where: Partial<AccessToken> }) => [...rows.values()].filter((row) => Object.entries(where ?? {}).every(([key, value]) => value === undefined || row[key as keyof AccessToken] === value)),
    update: async ({ id }: { id: string }, changes: Partial<AccessToken>) => rows.set(id, { ...rows.get(id)!, ...changes }),
  };
}

function setup() {
  const identity = {
    findUserById: async (id: number) => users.get(id) ?? null,
    findUserByUsername: async (name: string) => [...users.values()].find((user) => user.username === name) ?? null,
    findOrgById: async (id: number) => (id === ACME.id ? ACME : null),
    membershipsOf: async (userId: number) => new Map(memberships.has(userId) ? [['acme', new Set(memberships.get(userId))]] : []),
  } as unknown as IdentityService;
  const options = { secret: randomBytes(32), recordCacheSeconds: 0, maxTokenDays: 365 } as unknown as AuthOptions;
  const repo = memoryTokens();
  const tokens = new TokenService(repo as unknown as Repository<AccessToken>, identity, options);
  const audited: { action: string; resource: string }[] = [];
  const audit = { record: async (event: { action: string; resource: string }) => void audited.push(event) } as unknown as AuditService;
  const orgs = { require: async (slug: string) => (slug === 'acme' ? ACME : Promise.reject(new NotFoundException(`no org ${slug}`))) } as unknown as OrgLookupService;
  const roles = { names: async () => new Set(['api', 'feed', 'dashboard', 'org:admin', 'pypi:read', 'pypi:write', 'npm:read', 'npm:write', 'docker:read', 'docker:write']) } as unknown as OrgRolesService;
  const service = new TokensService(tokens, identity, new AccessService(), orgs, roles, audit, options);
  return { service, tokens, repo, audited };
}

const user = (id: number): UserPrincipal => ({
  kind: 'user',
  via: 'session',
  userId: id,
  username: users.get(id)!.username,
  isAdmin: false,
  memberships: new Map([['acme', new Set(memberships.get(id) ?? [])]]),
  restrictions: [],
});
const alice = user(1);
const bob = user(2);

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: unknown) => (error instanceof BadRequestException ? 400 : error instanceof ForbiddenException || error instanceof PermissionDeniedError ? 403 : error instanceof NotFoundException ? 404 : `threw ${String(error)}`),
  );

describe('TokensService', () => {
  it('creates a token for the caller with the roles asked for, once each, and audits it without the secret', async () => {
    const { service, audited } = setup();
    const issued = await service.create(bob, 'acme', { name: 'ci', roles: ['pypi:read', 'api', 'pypi:read'] });
    expect(issued).toMatchObject({ name: 'ci', username: 'bob', roles: ['api', 'pypi:read'] });
    expect(issued.token).toMatch(/^pgt_/);
    expect(audited).toEqual([expect.objectContaining({ action: 'token.created', resource: `token:${issued.id}` })]);
    expect(JSON.stringify(audited)).not.toContain(issued.token);
  });

  it('refuses roles the org does not know (400) and roles the owner cannot grant (403)', async () => {
    const { service } = setup();
    expect(await outcome(service.create(bob, 'acme', { name: 'x', roles: ['nope:read'] }))).toBe(400);
    expect(await outcome(service.create(bob, 'acme', { name: 'x', roles: ['pypi:write'] }))).toBe(403);
  });

  it('creates tokens for another member only with manage-all-tokens, and never for a non-member', async () => {
    const { service } = setup();
    expect(await outcome(service.create(bob, 'acme', { name: 'x', roles: ['api'], username: 'alice' }))).toBe(403);
    const forBob = await service.create(alice, 'acme', { name: 'for-bob', roles: ['pypi:read'], username: 'bob' });
    expect(forBob.username).toBe('bob');
    expect(await outcome(service.create(alice, 'acme', { name: 'x', roles: ['api'], username: 'carol' }))).toBe(400);
  });

  it('lists the caller’s own tokens; all of the org only for those who may manage them', async () => {
    const { service } = setup();
    await service.create(alice, 'acme', { name: 'alice-1', roles: ['api'] });
    await service.create(bob, 'acme', { name: 'bob-1', roles: ['api'] });
    expect((await service.list(bob, 'acme', false)).map((token) => token.name)).toEqual(['bob-1']);
    expect((await service.list(alice, 'acme', true)).map((token) => token.name).sort()).toEqual(['alice-1', 'bob-1']);
    expect(await outcome(service.list(bob, 'acme', true))).toBe(403);
  });

  it('hides another member’s token from a caller who may not manage it (404, as for a missing one)', async () => {
    const { service } = setup();
    const alices = await service.create(alice, 'acme', { name: 'mine', roles: ['api'] });
    expect(await outcome(service.delete(bob, 'acme', alices.id))).toBe(404);
    expect(await outcome(service.rotate(bob, 'acme', 'not-a-uuid'))).toBe(404);
    expect(await outcome(service.delete(alice, 'acme', alices.id))).toBe('ok');
    expect(await outcome(service.delete(alice, 'acme', alices.id))).toBe(404);
  });

  it('rotates: the old secret stops working, the new one works', async () => {
    const { service, tokens } = setup();
    const issued = await service.create(bob, 'acme', { name: 'r', roles: ['api'] });
    const rotated = await service.rotate(bob, 'acme', issued.id);
    expect(rotated.id).toBe(issued.id);
    await expect(tokens.authenticate(issued.token)).rejects.toThrow();
    await expect(tokens.authenticate(rotated.token)).resolves.toMatchObject({ tokenId: issued.id });
  });

  it('a token with caveats may not rotate (its caveats would be lost) and may delete only itself', async () => {
    const { service, tokens } = setup();
    const first = await service.create(bob, 'acme', { name: 'a', roles: ['api', 'pypi:read'] });
    const other = await service.create(bob, 'acme', { name: 'b', roles: ['api'] });
    const narrowed = (await tokens.authenticate(attenuateToken(first.token, ['actions=read']))) as TokenPrincipal;
    expect(await outcome(service.rotate(narrowed as Principal, 'acme', first.id))).toBe(403);
    expect(await outcome(service.delete(narrowed as Principal, 'acme', other.id))).toBe(403);
    expect(await outcome(service.delete(narrowed as Principal, 'acme', first.id))).toBe('ok');
  });

  it('a token creating a token passes on its caveats, never a fresh root secret', async () => {
    const { service, tokens } = setup();
    const root = await service.create(bob, 'acme', { name: 'root', roles: ['api', 'pypi:read'] });
    const narrowed = (await tokens.authenticate(attenuateToken(root.token, ['actions=read']))) as TokenPrincipal;
    const child = await service.create(narrowed, 'acme', { name: 'child', roles: ['pypi:read'] });
    const principal = await tokens.authenticate(child.token);
    expect(principal.caveats).toEqual(['actions=read']);
  });

  it('inspects any text without throwing: malformed, unknown and valid tokens', async () => {
    const { service } = setup();
    expect(await service.inspect('garbage')).toMatchObject({ valid: false });
    const issued = await service.create(bob, 'acme', { name: 'i', roles: ['api', 'pypi:read'] });
    const report = await service.inspect(`  ${issued.token}\n`);
    expect(report).toMatchObject({ valid: true, id: issued.id, name: 'i', owner: 'bob', org: 'acme' });
    expect(report.effectiveRoles).toEqual(['api', 'pypi:read']);
    await service.delete(bob, 'acme', issued.id);
    expect(await service.inspect(issued.token)).toMatchObject({ valid: false, reason: 'unknown or revoked token' });
  });
});
