import { attenuateToken, decodeToken } from '@packgate/auth';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { seedPackage } from '../support/packages';
import { TestServer, forEachDatabase, startServer } from '../support/server';

/**
 * Nothing a token does through any API yields a credential that can do more than the token itself:
 * created tokens carry the caller's caveats, rotation and deletion stay within the caller, a
 * removed member's tokens hold nothing, caveat globs match in linear time, and token lifetimes are
 * bounded by PACKGATE_MAX_TOKEN_DAYS.
 */
forEachDatabase('tokens never widen', (database) => {
  let server: TestServer;
  let admin: ApiClient;
  let alice: ApiClient;
  const now = () => Math.floor(Date.now() / 1000);
  const bearer = (token: string) => new ApiClient(server.url).withBearer(token);
  const inspect = async (token: string) => (await new ApiClient(server.url).post('/api/v1/tokens/inspect', { token })).body;
  const npmCreate = (token: string, body: Record<string, unknown> = {}) =>
    fetch(`${server.url}/default/npm/-/npm/v1/tokens`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const pypiRead = (token: string, name: string) => bearer(token).get(`/api/v1/orgs/default/packages/pypi/${name}`);

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    const user = await makeUser(admin, 'alice', ['dashboard', 'pypi:write', 'docker:write', 'npm:write']);
    alice = await ApiClient.login(server, user.username, user.password);
    await seedPackage(server, { type: 'pypi', name: 'pkg-a' });
    await seedPackage(server, { type: 'pypi', name: 'pkg-b' });
  });
  afterAll(() => server?.close());

  describe('caveats do not escape through the API', () => {
    let root: string;
    let rootId: string;
    let derived: string;
    let conditions: string[];

    beforeAll(async () => {
      ({ token: root, id: rootId } = await makeToken(alice, ['api', 'pypi:write', 'npm:write']));
      conditions = ['packages=pypi:pkg-a,npm:lib-a', `expires=${now() + 600}`];
      derived = attenuateToken(root, conditions);
    });

    it('a token created by a derived token carries every caveat of the caller', async () => {
      const res = await bearer(derived).post('/api/v1/orgs/default/tokens', { name: 'escape', roles: ['api', 'pypi:read'] });
      expect(res.status).toBe(201);
      expect(decodeToken(res.body.token).conditions).toEqual(conditions);
      expect((await inspect(res.body.token)).caveats).toEqual(conditions);
      expect((await pypiRead(res.body.token, 'pkg-a')).status).toBe(200);
      expect((await pypiRead(res.body.token, 'pkg-b')).status).toBe(404);
    });

    it('npm token create through a derived token carries the caveats too (plus its own cidr caveat)', async () => {
      const res = await npmCreate(derived, { readonly: false, cidr_whitelist: ['127.0.0.0/8'] });
      expect(res.status).toBe(201);
      const body = (await res.json()) as { token: string };
      expect(decodeToken(body.token).conditions).toEqual([...conditions, 'ip=127.0.0.0/8']);
    });

    it('a token with caveats cannot rotate its own root, and the root secret is not revealed', async () => {
      const res = await bearer(derived).post(`/api/v1/orgs/default/tokens/${rootId}/rotate`);
      expect(res.status).toBe(403);
      expect(res.body.message).toMatch(/a token with caveats cannot rotate tokens/);
      expect(res.text).not.toContain('pgt_');
      expect((await inspect(root)).valid).toBe(true);
    });

    it('a token with caveats deletes only itself', async () => {
      const { id: siblingId, token: sibling } = await makeToken(alice, ['pypi:read']);
      const refused = await bearer(derived).delete(`/api/v1/orgs/default/tokens/${siblingId}`);
      expect(refused.status).toBe(403);
      expect(refused.body.message).toMatch(/may delete only itself/);
      expect((await inspect(sibling)).valid).toBe(true);
      const { id: ownId, token: own } = await makeToken(alice, ['api']);
      expect((await bearer(attenuateToken(own, ['actions=read,write'])).delete(`/api/v1/orgs/default/tokens/${ownId}`)).status).toBe(204);
      expect((await inspect(own)).valid).toBe(false);
    });

    it('a token cannot create a token that outlives it', async () => {
      const short = await alice.post('/api/v1/orgs/default/tokens', { name: 'short', roles: ['api'], expiresAt: new Date(Date.now() + 3600_000).toISOString() });
      expect(short.status).toBe(201);
      const longer = await bearer(short.body.token).post('/api/v1/orgs/default/tokens', { name: 'longer', roles: ['api'], expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString() });
      expect(longer.status).toBe(403);
      expect(longer.body.message).toMatch(/cannot create a token that outlives it/);
      const defaulted = await bearer(short.body.token).post('/api/v1/orgs/default/tokens', { name: 'defaulted', roles: ['api'] });
      expect(defaulted.status).toBe(201);
      expect(defaulted.body.expiresAt).toBe(short.body.expiresAt);
    });
  });

  describe('rotation and deletion stay within the calling token', () => {
    it('an api-only token cannot rotate or delete a sibling holding more', async () => {
      const { token: apiOnly } = await makeToken(alice, ['api']);
      const { id: siblingId, token: sibling } = await makeToken(alice, ['docker:write', 'npm:write']);
      const rotate = await bearer(apiOnly).post(`/api/v1/orgs/default/tokens/${siblingId}/rotate`);
      expect(rotate.status).toBe(403);
      expect(rotate.body.message).toMatch(/holds roles this token does not: docker:write, npm:write/);
      expect(rotate.text).not.toContain('pgt_');
      expect((await bearer(apiOnly).delete(`/api/v1/orgs/default/tokens/${siblingId}`)).status).toBe(403);
      expect((await inspect(sibling)).valid).toBe(true);
    });

    it('a token holding the roles may rotate the sibling, and any root token may rotate itself', async () => {
      const wide = (await alice.post('/api/v1/orgs/default/tokens', { name: 'wide', roles: ['api', 'docker:write', 'npm:write'], expiresAt: new Date(Date.now() + 10 * 86_400_000).toISOString() })).body.token as string;
      const later = await alice.post('/api/v1/orgs/default/tokens', { name: 'later', roles: ['docker:read'] });
      const outlives = await bearer(wide).post(`/api/v1/orgs/default/tokens/${later.body.id}/rotate`);
      expect(outlives.status).toBe(403);
      expect(outlives.body.message).toMatch(/expires after this token/);
      const sooner = await alice.post('/api/v1/orgs/default/tokens', { name: 'sooner', roles: ['docker:read', 'npm:write'], expiresAt: new Date(Date.now() + 5 * 86_400_000).toISOString() });
      expect((await bearer(wide).post(`/api/v1/orgs/default/tokens/${sooner.body.id}/rotate`)).status).toBe(201);
      const { id: selfId, token: self } = await makeToken(alice, ['api']);
      const rotated = await bearer(self).post(`/api/v1/orgs/default/tokens/${selfId}/rotate`);
      expect(rotated.status).toBe(201);
      expect((await inspect(rotated.body.token)).valid).toBe(true);
    });

    it('npm token revoke follows the same rule', async () => {
      const { token: apiOnly } = await makeToken(alice, ['api']);
      const { id: siblingId } = await makeToken(alice, ['npm:write']);
      const res = await fetch(`${server.url}/default/npm/-/npm/v1/tokens/token/${siblingId.replace(/-/g, '')}`, { method: 'DELETE', headers: { authorization: `Bearer ${apiOnly}` } });
      expect(res.status).toBe(403);
    });
  });

  describe('a member removed from an org keeps nothing there', () => {
    it('their api token stops listing members, reading roles and creating tokens at once', async () => {
      const bob = await makeUser(admin, 'bob', ['dashboard', 'pypi:read']);
      const bobSession = await ApiClient.login(server, bob.username, bob.password);
      const { token } = await makeToken(bobSession, ['api', 'feed', 'pypi:read']);
      expect((await bearer(token).get('/api/v1/orgs/default/members')).status).toBe(200);
      expect((await bearer(token).get('/api/v1/orgs/default/roles')).status).toBe(200);
      expect((await pypiRead(token, 'pkg-a')).status).toBe(200);

      expect((await admin.delete('/api/v1/orgs/default/members/bob')).status).toBe(204);

      expect((await bearer(token).get('/api/v1/orgs/default/members')).status).toBe(403);
      expect((await bearer(token).get('/api/v1/orgs/default/roles')).status).toBe(403);
      expect((await bearer(token).post('/api/v1/orgs/default/tokens', { name: 'after', roles: ['api'] })).status).toBe(403);
      expect((await bearer(token).get('/api/v1/orgs/default/tokens')).status).toBe(403);
      expect((await bearer(token).get('/api/v1/orgs/default/feed.atom')).status).toBe(403);
      expect((await npmCreate(token)).status).toBe(403);
      expect([403, 404]).toContain((await pypiRead(token, 'pkg-a')).status);
      expect((await inspect(token)).effectiveRoles).toEqual([]);
    });
  });

  describe('caveat globs', () => {
    it('a hostile pattern with a long repository name answers quickly and /healthz stays responsive', async () => {
      const { token } = await makeToken(alice, ['docker:read']);
      const hostile = attenuateToken(token, ['packages=docker:*a*a*a*a*a*a*a*b']);
      const name = `default/${'a'.repeat(240)}`;
      const basic = `Basic ${Buffer.from(`__token__:${hostile}`).toString('base64')}`;
      const started = Date.now();
      const slow = fetch(`${server.url}/v2/token?service=packgate&scope=${encodeURIComponent(`repository:${name}:pull`)}`, { headers: { authorization: basic }, signal: AbortSignal.timeout(20_000) });
      const health = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
      expect(health.status).toBe(200);
      const res = await slow;
      expect(res.status).toBe(200);
      expect(((await res.json()) as { token: string }).token).toBeTruthy();
      expect(Date.now() - started).toBeLessThan(20_000);
    });

    it('a pattern beyond the limits makes the token invalid with a clear reason', async () => {
      const { token } = await makeToken(alice, ['pypi:read']);
      const tooMany = await inspect(attenuateToken(token, [`packages=pypi:${'*a'.repeat(11)}`]));
      expect(tooMany).toMatchObject({ valid: false, reason: expect.stringMatching(/caveat packages pattern has more than 10 wildcards/) });
      const tooLong = attenuateToken(token, [`packages=pypi:${'a'.repeat(201)}`]);
      expect((await inspect(tooLong)).reason).toMatch(/caveat packages pattern longer than 200 characters/);
      const res = await pypiRead(tooLong, 'pkg-a');
      expect(res.status).toBe(401);
    });
  });

  describe('PACKGATE_MAX_TOKEN_DAYS (default 365)', () => {
    it('refuses a far expiry in any spelling for members, not for installation admins', async () => {
      for (const expiresAt of ['9999-12-31T00:00:00Z', new Date(Date.now() + 366 * 86_400_000).toISOString()]) {
        const res = await alice.post('/api/v1/orgs/default/tokens', { name: 'far', roles: ['api'], expiresAt });
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body.message)).toMatch(/within 365 days/);
      }
      expect((await alice.post('/api/v1/orgs/default/tokens', { name: 'near', roles: ['api'], expiresAt: new Date(Date.now() + 364 * 86_400_000).toISOString() })).status).toBe(201);
      expect((await alice.post('/api/v1/orgs/default/tokens', { name: 'never', roles: ['api'], expiresAt: 'never' })).status).toBe(403);
      expect((await admin.post('/api/v1/orgs/default/tokens', { name: 'admin-far', roles: ['api'], expiresAt: '9999-12-31T00:00:00Z' })).status).toBe(201);
      expect((await admin.post('/api/v1/orgs/default/tokens', { name: 'admin-never', roles: ['api'], expiresAt: 'never' })).status).toBe(201);
    });

    it('applies to npm token create', async () => {
      const { token } = await makeToken(alice, ['api', 'npm:write']);
      expect((await npmCreate(token, { expires: 400 })).status).toBe(400);
      expect((await npmCreate(token, { expires: 30 })).status).toBe(201);
    });
  });

  describe('roles listing', () => {
    it('shows members only the package roles of packages they may view; org admins see all', async () => {
      await seedPackage(server, { type: 'pypi', name: 'secret-pkg' });
      await seedPackage(server, { type: 'pypi', name: 'open-pkg' });
      for (const name of ['secret-pkg', 'open-pkg']) expect((await admin.patch(`/api/v1/orgs/default/packages/pypi/${name}`, { permissionMode: 'package' })).status).toBe(200);
      const carol = await makeUser(admin, 'carol', ['dashboard', 'pypi:open-pkg:read']);
      const session = await ApiClient.login(server, carol.username, carol.password);
      const names = async (client: ApiClient) => ((await client.get('/api/v1/orgs/default/roles')).body as { name: string }[]).map((role) => role.name);
      const seen = await names(session);
      expect(seen).toEqual(expect.arrayContaining(['pypi:read', 'pypi:open-pkg:read', 'pypi:open-pkg:write']));
      expect(seen.filter((name) => name.includes('secret-pkg'))).toEqual([]);
      expect(await names(admin)).toEqual(expect.arrayContaining(['pypi:secret-pkg:read', 'pypi:secret-pkg:write', 'pypi:open-pkg:read']));
      const { token } = await makeToken(session, ['api']);
      expect((await names(bearer(token))).filter((name) => name.includes('-pkg:'))).toEqual([]);
    });
  });
});
