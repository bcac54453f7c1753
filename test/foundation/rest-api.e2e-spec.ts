import { ApiClient, makeToken, makeUser } from '../support/http';
import { seedPackage } from '../support/packages';
import { TestServer, forEachDatabase, startServer } from '../support/server';

forEachDatabase('REST API and tokens', (database) => {
  let server: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
  });
  afterAll(() => server?.close());

  it('bootstraps org default and admin with org:admin + dashboard', async () => {
    const me = await admin.get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ username: 'admin', isAdmin: true, memberships: [{ org: 'default', roles: ['dashboard', 'org:admin'] }] });
  });

  it('refuses a wrong password without saying whether the user exists', async () => {
    const anon = new ApiClient(server.url);
    const wrong = await anon.post('/api/v1/auth/login', { username: 'admin', password: 'nope-nope' });
    const missing = await anon.post('/api/v1/auth/login', { username: 'ghost', password: 'nope-nope' });
    expect(wrong.status).toBe(401);
    expect(missing.status).toBe(401);
    expect(wrong.body.message).toBe(missing.body.message);
  });

  it('creates a token whose secret is shown once and never listed', async () => {
    const created = await admin.post('/api/v1/orgs/default/tokens', { name: 'ci', roles: ['api', 'pypi:read'] });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^pgt_[A-Za-z0-9_-]+$/);
    const listed = await admin.get('/api/v1/orgs/default/tokens');
    expect(listed.status).toBe(200);
    const entry = listed.body.find((t: { id: string }) => t.id === created.body.id);
    expect(entry).toMatchObject({ name: 'ci', roles: ['api', 'pypi:read'], username: 'admin' });
    expect(listed.text).not.toContain(created.body.token);
    expect(listed.text).not.toContain('pgt_');
    const viaToken = await admin.withBearer(created.body.token).get('/api/v1/me');
    expect(viaToken.status).toBe(200);
    expect(viaToken.body.tokenId).toBe(created.body.id);
  });

  it('accepts a token as Basic password, as Basic username with empty password, and as Bearer', async () => {
    const { token } = await makeToken(admin, ['api']);
    const basic = (user: string, pass: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });
    expect((await admin.withBearer(token).get('/api/v1/me')).status).toBe(200);
    expect((await new ApiClient(server.url).get('/api/v1/me', basic('__token__', token))).status).toBe(200);
    expect((await new ApiClient(server.url).get('/api/v1/me', basic('anyone', token))).status).toBe(200);
    expect((await new ApiClient(server.url).get('/api/v1/me', basic(token, ''))).status).toBe(200);
  });

  it('rotation kills the old secret at once; the new one works', async () => {
    const { id, token } = await makeToken(admin, ['api']);
    const rotated = await admin.post(`/api/v1/orgs/default/tokens/${id}/rotate`);
    expect(rotated.status).toBe(201);
    expect(rotated.body.token).not.toBe(token);
    const old = await admin.withBearer(token).get('/api/v1/me');
    expect(old.status).toBe(401);
    expect(old.headers.get('www-authenticate')).toContain('Bearer');
    expect((await admin.withBearer(rotated.body.token).get('/api/v1/me')).status).toBe(200);
  });

  it('deletion kills the token at once', async () => {
    const { id, token } = await makeToken(admin, ['api']);
    expect((await admin.delete(`/api/v1/orgs/default/tokens/${id}`)).status).toBe(204);
    const res = await admin.withBearer(token).get('/api/v1/me');
    expect(res.status).toBe(401);
    expect(res.body.reasons.bearer).toBe('unknown or revoked token');
    expect((await admin.delete(`/api/v1/orgs/default/tokens/${id}`)).status).toBe(404);
  });

  it('a token stops working when its expiry passes', async () => {
    const expiresAt = new Date(Date.now() + 2000).toISOString();
    const created = await admin.post('/api/v1/orgs/default/tokens', { name: 'short', roles: ['api'], expiresAt });
    expect(created.status).toBe(201);
    const client = admin.withBearer(created.body.token);
    expect((await client.get('/api/v1/me')).status).toBe(200);
    // MySQL DATETIME keeps whole seconds (and may round up): wait past any rounding.
    await new Promise((resolve) => setTimeout(resolve, 3200));
    const expired = await client.get('/api/v1/me');
    expect(expired.status).toBe(401);
    expect(expired.body.reasons.bearer).toBe('token expired');
  });

  it('a token without api gets 403 on REST; Basic user:password is not a REST credential', async () => {
    const { token } = await makeToken(admin, ['pypi:read']);
    const res = await admin.withBearer(token).get('/api/v1/orgs/default/tokens');
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('needs role api');
    const basic = await new ApiClient(server.url, { basic: ['admin', server.adminPassword] }).get('/api/v1/me');
    expect(basic.status).toBe(403);
  });

  it('a member manages their own tokens through a session and cannot grant roles they lack', async () => {
    const alice = await makeUser(admin, `alice-${database}`, ['dashboard', 'pypi:read']);
    const session = await ApiClient.login(server, alice.username, alice.password);
    const ok = await session.post('/api/v1/orgs/default/tokens', { name: 'mine', roles: ['api', 'pypi:read'] });
    expect(ok.status).toBe(201);
    const tooMuch = await session.post('/api/v1/orgs/default/tokens', { name: 'greedy', roles: ['pypi:write'] });
    expect(tooMuch.status).toBe(403);
    const userOnly = await session.post('/api/v1/orgs/default/tokens', { name: 'dash', roles: ['dashboard'] });
    expect(userOnly.status).toBe(403);
    const mine = await session.get('/api/v1/orgs/default/tokens');
    expect(mine.body.map((t: { name: string }) => t.name)).toEqual(['mine']);
    expect((await session.get('/api/v1/orgs/default/tokens?all=true')).status).toBe(403);
    expect((await admin.get('/api/v1/orgs/default/tokens?all=true')).body.some((t: { name: string }) => t.name === 'mine')).toBe(true);
    // a token created from a token never exceeds the creating token
    const narrow = await makeToken(admin, ['api', 'pypi:read']);
    const escalate = await admin.withBearer(narrow.token).post('/api/v1/orgs/default/tokens', { name: 'up', roles: ['api', 'pypi:write'] });
    expect(escalate.status).toBe(403);
    // tokens never manage users
    const memberChange = await admin.withBearer(narrow.token).put(`/api/v1/orgs/default/members/${alice.username}`, { roles: ['dashboard'] });
    expect(memberChange.status).toBe(403);
  });

  it('caps a token by its creator’s current roles', async () => {
    const bob = await makeUser(admin, `bob-${database}`, ['dashboard', 'pypi:write']);
    const session = await ApiClient.login(server, bob.username, bob.password);
    const created = await session.post('/api/v1/orgs/default/tokens', { name: 'pw', roles: ['api', 'pypi:write'] });
    const inspect = async () => (await new ApiClient(server.url).post('/api/v1/tokens/inspect', { token: created.body.token })).body;
    expect((await inspect()).effectiveRoles).toEqual(['api', 'pypi:write']);
    await admin.put(`/api/v1/orgs/default/members/${bob.username}`, { roles: ['dashboard'] });
    expect((await inspect()).effectiveRoles).toEqual(['api']);
  });

  it('PATCH private/permissionMode changes what GET /roles lists', async () => {
    await seedPackage(server, { type: 'pypi', name: 'Demo.Pkg' });
    const before = await admin.get('/api/v1/orgs/default/roles');
    expect(before.body.map((r: { name: string }) => r.name)).not.toContain('pypi:demo-pkg:read');
    const patched = await admin.patch('/api/v1/orgs/default/packages/pypi/demo-pkg', { private: false, permissionMode: 'package' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ private: false, permissionMode: 'package', roles: ['pypi:demo-pkg:read', 'pypi:demo-pkg:write'] });
    const after = await admin.get('/api/v1/orgs/default/roles');
    const names = after.body.map((r: { name: string }) => r.name);
    expect(names).toEqual(expect.arrayContaining(['pypi:demo-pkg:read', 'pypi:demo-pkg:write']));
    const token = await admin.post('/api/v1/orgs/default/tokens', { name: 'pkg', roles: ['pypi:demo-pkg:write'] });
    expect(token.status).toBe(201);
    await admin.patch('/api/v1/orgs/default/packages/pypi/demo-pkg', { permissionMode: 'standard' });
    const reverted = await admin.get('/api/v1/orgs/default/roles');
    expect(reverted.body.map((r: { name: string }) => r.name)).not.toContain('pypi:demo-pkg:read');
    const audit = await admin.get('/api/v1/orgs/default/audit?action=package.settings-changed');
    expect(audit.body.length).toBeGreaterThanOrEqual(2);
  });

  it('only org:admin changes package settings', async () => {
    await seedPackage(server, { type: 'docker', name: 'settings-demo' });
    const carol = await makeUser(admin, `carol-${database}`, ['dashboard', 'docker:write']);
    const session = await ApiClient.login(server, carol.username, carol.password);
    const res = await session.patch(`/api/v1/orgs/default/packages/docker/settings-demo`, { private: false });
    expect(res.status).toBe(403);
    const visible = await session.get(`/api/v1/orgs/default/packages/docker/settings-demo`);
    expect(visible.status).toBe(200);
  });

  it('a member with npm:read sees npm packages in the API, though npm itself takes only tokens', async () => {
    await seedPackage(server, { type: 'npm', name: 'visible-lib' });
    const erin = await makeUser(admin, `erin-${database}`, ['dashboard', 'npm:read']);
    const session = await ApiClient.login(server, erin.username, erin.password);
    expect((await session.get('/api/v1/orgs/default/packages?type=npm')).body.map((p: { name: string }) => p.name)).toContain('visible-lib');
    expect((await session.get('/api/v1/orgs/default/packages/npm/visible-lib')).status).toBe(200);
    const frank = await makeUser(admin, `frank-${database}`, ['dashboard', 'pypi:read']);
    const other = await ApiClient.login(server, frank.username, frank.password);
    // No npm role at all: told so, for existing and unknown names alike.
    for (const name of ['visible-lib', 'no-such-lib']) {
      const refused = await other.get(`/api/v1/orgs/default/packages/npm/${name}`);
      expect(refused.status).toBe(403);
      expect(JSON.stringify(refused.body)).toContain('this account has no npm role in org');
    }
    await seedPackage(server, { type: 'npm', name: 'other-lib' });
    expect((await admin.patch('/api/v1/orgs/default/packages/npm/other-lib', { permissionMode: 'package' })).status).toBe(200);
    const grace = await makeUser(admin, `grace-${database}`, ['dashboard', 'npm:other-lib:read']);
    const narrow = await ApiClient.login(server, grace.username, grace.password);
    expect((await narrow.get('/api/v1/orgs/default/packages/npm/visible-lib')).status).toBe(404);
  });

  it('validates DTOs with field messages', async () => {
    const cases: [string, string, unknown][] = [
      ['POST', '/api/v1/orgs/default/tokens', { name: '', roles: 'x' }],
      ['POST', '/api/v1/orgs/default/tokens', { name: 'x', roles: [], unexpected: true }],
      ['POST', '/api/v1/orgs/default/tokens', { name: 'x', roles: [], expiresAt: 'tomorrow' }],
      ['POST', '/api/v1/users', { username: 'Bad Name', password: 'short' }],
      ['PATCH', '/api/v1/orgs/default/packages/pypi/demo-pkg', { private: 'yes' }],
      ['PATCH', '/api/v1/orgs/default/packages/pypi/demo-pkg', { permissionMode: 'everyone' }],
      ['POST', '/api/v1/auth/login', { username: 42 }],
    ];
    for (const [method, path, body] of cases) {
      const res = await admin.request(method, path, body);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(Array.isArray(res.body.message) || typeof res.body.message === 'string').toBe(true);
    }
    const broken = await admin.request('POST', '/api/v1/orgs/default/tokens', '{"name": ', { 'content-type': 'application/json' });
    expect(broken.status).toBe(400);
    const unknownRole = await admin.post('/api/v1/orgs/default/tokens', { name: 'x', roles: ['pypi:admin'] });
    expect(unknownRole.status).toBe(400);
  });

  it('answers garbage Authorization headers with 401, never 500', async () => {
    const { token } = await makeToken(admin, ['api']);
    const headers = [
      'Basic %%%not-base64%%%',
      `Basic ${Buffer.from('no-colon-here').toString('base64')}`,
      'Bearer pgt_',
      `Bearer ${token.slice(0, token.length - 12)}`,
      `Bearer pgt_${'A'.repeat(200)}`,
      `Bearer pgx_${token.slice(4)}`,
      `Bearer ${token}x`,
      `Bearer ${'pgt_' + 'A'.repeat(10_000)}`,
      `Bearer ${token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}`,
      'Negotiate abc',
      'Bearer',
      `Basic ${Buffer.from(`__token__:${token.slice(0, 30)}`).toString('base64')}`,
    ];
    for (const authorization of headers) {
      const res = await new ApiClient(server.url).get('/api/v1/me', { authorization });
      expect({ authorization: authorization.slice(0, 40), status: res.status }).toEqual({ authorization: authorization.slice(0, 40), status: 401 });
      expect(res.headers.get('www-authenticate')).toBeTruthy();
    }
  });

  it('keeps organizations apart', async () => {
    const created = await admin.post('/api/v1/orgs', { slug: `other-${database}` });
    expect(created.status).toBe(201);
    const slug = created.body.slug;
    await seedPackage(server, { org: slug, type: 'npm', name: 'secret-lib' });
    const defaultToken = await makeToken(admin, ['api', 'npm:read']);
    const client = admin.withBearer(defaultToken.token);
    expect((await client.get(`/api/v1/orgs/${slug}/packages`)).status).toBe(403);
    expect((await client.get(`/api/v1/orgs/${slug}/tokens`)).status).toBe(403);
    const dave = await makeUser(admin, `dave-${database}`, ['dashboard', 'npm:write']);
    const daveSession = await ApiClient.login(server, dave.username, dave.password);
    expect((await daveSession.get(`/api/v1/orgs/${slug}/packages`)).status).toBe(403);
    expect((await daveSession.post(`/api/v1/orgs/${slug}/tokens`, { name: 'x', roles: ['api'] })).status).toBe(403);
  });

  it('records writes and authentication failures in the audit trail without secrets', async () => {
    const { token } = await makeToken(admin, ['api']);
    await new ApiClient(server.url).get('/api/v1/me', { authorization: `Bearer ${token}tampered` });
    await new ApiClient(server.url).get('/api/v1/me', { authorization: `Basic ${Buffer.from('admin:wrong-password').toString('base64')}` });
    const audit = await admin.get('/api/v1/orgs/default/audit?limit=500');
    expect(audit.status).toBe(200);
    const actions = audit.body.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['token.created', 'token.rotated', 'token.deleted']));
    expect(audit.text).not.toContain(token);
    expect(audit.text).not.toContain('wrong-password');
    expect(audit.text).not.toMatch(/pgt_[A-Za-z0-9_-]{10,}/);
  });

  it('serves Swagger UI, the OpenAPI document, health, readiness and metrics', async () => {
    const anon = new ApiClient(server.url);
    expect((await anon.get('/api/docs')).status).toBe(200);
    const doc = await anon.get('/api/docs-json');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/login', '/api/v1/orgs/{org}/tokens', '/api/v1/orgs/{org}/tokens/{id}/rotate', '/api/v1/orgs/{org}/packages/{type}/{name}', '/api/v1/tokens/inspect']));
    expect(doc.body.components.securitySchemes).toHaveProperty('bearer');
    expect((await anon.get('/healthz')).status).toBe(200);
    expect((await anon.get('/readyz')).body).toEqual({ status: 'ok', database: 'ok', disk: 'ok', blobs: 'ok' });
    const metrics = await anon.get('/metrics');
    expect(metrics.text).toContain('packgate_http_requests_total');
    expect(metrics.text).toContain('packgate_auth_failures_total');
    expect(metrics.text).toMatch(/^nodejs_eventloop_lag_max_seconds \d/m);
    expect(metrics.text).toMatch(/^process_resident_memory_bytes \d/m);
  });

  it('keeps everything across a restart', async () => {
    const { token } = await makeToken(admin, ['api']);
    await server.close({ keepData: true });
    server = await startServer({ database, reuse: server });
    expect((await new ApiClient(server.url).withBearer(token).get('/api/v1/me')).status).toBe(200);
    admin = await ApiClient.login(server);
    expect((await admin.get('/api/v1/orgs/default/packages')).body.length).toBeGreaterThan(0);
  });
});
