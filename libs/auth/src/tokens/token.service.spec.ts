import { randomBytes } from 'node:crypto';
import type { Repository } from 'typeorm';
import type { AuthOptions } from '../auth-options';
import type { AccessToken } from '../entities/access-token.entity';
import { CredentialRejected } from '../errors';
import type { IdentityService } from '../identity/identity.service';
import { attenuateToken } from '../macaroons/token-codec';
import { TokenService } from './token.service';

/** Token records in memory: the repository methods TokenService uses. */
function memoryRepository() {
  const rows = new Map<string, AccessToken>();
  const repo = {
    rows,
    create: (input: AccessToken) => ({ ...input }),
    save: jest.fn(async (record: AccessToken) => (rows.set(record.id, { ...record }), record)),
    delete: jest.fn(async ({ id }: { id: string }) => rows.delete(id)),
    findOne: jest.fn(async ({ where: { id } }: { where: { id: string } }) => (rows.has(id) ? { ...rows.get(id)! } : null)),
    find: jest.fn(async () => [...rows.values()]),
    update: jest.fn(async ({ id }: { id: string }, changes: Partial<AccessToken>) => rows.set(id, { ...rows.get(id)!, ...changes })),
  };
  return repo;
}

function setup(user: { disabled?: boolean } = {}, memberships = new Map([['acme', new Set(['pypi:write'])]])) {
  const repo = memoryRepository();
  const identity = {
    findUserById: jest.fn(async (id: number) => ({ id, username: 'alice', isAdmin: false, disabled: user.disabled ?? false })),
    findOrgById: jest.fn(async (id: number) => (id === 1 ? { id: 1, slug: 'acme' } : null)),
    membershipsOf: jest.fn(async () => memberships),
  } as unknown as IdentityService;
  const options = { secret: randomBytes(32), recordCacheSeconds: 60 } as AuthOptions;
  return { repo, service: new TokenService(repo as unknown as Repository<AccessToken>, identity, options) };
}

const rejection = (promise: Promise<unknown>) => promise.then(() => 'accepted', (error: unknown) => (error instanceof CredentialRejected ? error.message : `threw ${String(error)}`));

describe('TokenService', () => {
  it('issues a token whose principal carries the record roles, the creator roles and membership', async () => {
    const { service } = setup();
    const { token, record } = await service.create({ userId: 2, orgId: 1, name: 'ci', roles: ['pypi:read', 'api', 'pypi:read'], expiresAt: null });
    expect(record.roles).toEqual(['api', 'pypi:read']);
    const principal = await service.authenticate(token);
    expect(principal).toMatchObject({ kind: 'token', tokenId: record.id, org: 'acme', username: 'alice', creatorIsMember: true, caveats: [] });
    expect([...principal.tokenRoles]).toEqual(['api', 'pypi:read']);
    expect([...principal.creatorRoles]).toEqual(['pypi:write']);
  });

  it('refuses garbage, unknown, deleted and rotated tokens with a reason safe to show', async () => {
    const { service } = setup();
    const issued = await service.create({ userId: 2, orgId: 1, name: 'a', roles: ['api'], expiresAt: null });
    expect(await rejection(service.authenticate('pgt_not-a-macaroon'))).not.toBe('accepted');
    const rotated = await service.rotate(issued.record);
    expect(await rejection(service.authenticate(issued.token))).toBe('token signature is invalid (rotated, or altered)');
    expect(await rejection(service.authenticate(rotated.token))).toBe('accepted');
    await service.delete(rotated.record);
    expect(await rejection(service.authenticate(rotated.token))).toBe('unknown or revoked token');
  });

  it('refuses an expired record, a disabled owner and a token of a deleted org', async () => {
    const expired = setup();
    const old = await expired.service.create({ userId: 2, orgId: 1, name: 'a', roles: ['api'], expiresAt: new Date(Date.now() - 1000) });
    expect(await rejection(expired.service.authenticate(old.token))).toBe('token expired');
    const disabled = setup({ disabled: true });
    const owned = await disabled.service.create({ userId: 2, orgId: 1, name: 'a', roles: ['api'], expiresAt: null });
    expect(await rejection(disabled.service.authenticate(owned.token))).toBe('token owner is disabled');
    const orphan = setup();
    const lost = await orphan.service.create({ userId: 2, orgId: 9, name: 'a', roles: ['api'], expiresAt: null });
    expect(await rejection(orphan.service.authenticate(lost.token))).toBe('unknown or revoked token');
  });

  it('applies caveats: an expired caveat refuses, an ip caveat checks the context address, conditions are kept', async () => {
    const { service } = setup();
    const { token } = await service.create({ userId: 2, orgId: 1, name: 'a', roles: ['pypi:read'], expiresAt: null });
    const past = attenuateToken(token, [`expires=${Math.floor(Date.now() / 1000) - 3600}`]);
    expect(await rejection(service.authenticate(past))).toBe('token expired (caveat expires)');
    const local = attenuateToken(token, ['ip=127.0.0.0/8']);
    expect(await rejection(service.authenticate(local, { ip: '10.1.2.3' }))).not.toBe('accepted');
    const principal = await service.authenticate(local, { ip: '127.0.0.1' });
    expect(principal.caveats).toEqual(['ip=127.0.0.0/8']);
  });

  it('a removed member keeps the token but the principal says so (the evaluator grants nothing then)', async () => {
    const { service } = setup({}, new Map());
    const { token } = await service.create({ userId: 2, orgId: 1, name: 'a', roles: ['pypi:read'], expiresAt: null });
    expect(await service.authenticate(token)).toMatchObject({ creatorIsMember: false });
  });

  it('verifies a token once and then serves it from memory until the record changes', async () => {
    const { service, repo } = setup();
    const { token } = await service.create({ userId: 2, orgId: 1, name: 'a', roles: ['api'], expiresAt: null });
    await service.authenticate(token);
    await service.authenticate(token);
    // One record read for both verifications (the record cache), none after.
    expect(repo.findOne).toHaveBeenCalledTimes(1);
  });
});
