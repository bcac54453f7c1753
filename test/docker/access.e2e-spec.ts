import { attenuateToken } from '@packgate/auth';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';
import { RegistryClient, pushImage } from './support/registry-client';
import { buildImageLayout, mustRun, run, tempDir } from './support/tools';

/**
 * Who may pull and push, decided by the one evaluator: read-only tokens, anonymous access to public
 * and private repositories, package permission mode, org isolation, cross-repository mounts, token
 * endpoint narrowing, revocation of registry tokens, and registry tokens kept out of REST.
 */
forEachDatabase('Docker access rules', (database) => {
  let server: TestServer;
  let admin: ApiClient;
  let alice: { username: string; password: string };
  let aliceApi: ApiClient;
  let readToken: string;
  let work: { dir: string; cleanup(): void };
  let layout: string;
  let appLayer: string;

  const basic = (user: string, pass: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });
  const tokenFor = async (headers: Record<string, string>, ...scopes: string[]) => {
    const query = scopes.map((scope) => `scope=${encodeURIComponent(scope)}`).join('&');
    const res = await fetch(`${server.url}/v2/token?service=packgate&${query}`, { headers });
    return { status: res.status, body: (await res.json()) as { token: string; access_token: string; expires_in: number; issued_at: string } };
  };
  const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
  const v2 = (path: string, init: RequestInit = {}) => fetch(`${server.url}/v2/${path}`, init);

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    alice = await makeUser(admin, 'alice', ['dashboard', 'docker:write']);
    aliceApi = await ApiClient.login(server, alice.username, alice.password);
    readToken = (await makeToken(aliceApi, ['docker:read'])).token;
    work = tempDir('packgate-access-');
    layout = await buildImageLayout(work.dir, 'access');
    const client = new RegistryClient(server.url, alice);
    appLayer = (await pushImage(client, 'default/app', 'v1', 'app')).layerDigest;
    expect((await admin.post('/api/v1/orgs', { slug: 'team' })).status).toBe(201);
  });
  afterAll(async () => {
    work?.cleanup();
    await server?.close();
  });

  it('token endpoint answers token/access_token/expires_in/issued_at and narrows scopes', async () => {
    const granted = await tokenFor(basic('ci', readToken), 'repository:default/app:pull,push', 'repository:team/app:pull', 'registry:catalog:*');
    expect(granted.status).toBe(200);
    expect(granted.body.token).toBe(granted.body.access_token);
    expect(granted.body.expires_in).toBe(300);
    expect(new Date(granted.body.issued_at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(claims(granted.body.token).access).toEqual([
      { type: 'repository', name: 'default/app', actions: ['pull'] },
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ]);
    expect(JSON.stringify(claims(granted.body.token))).not.toContain(readToken);
    const wrong = await tokenFor(basic(alice.username, 'wrong-password'), 'repository:default/app:pull');
    expect(wrong.status).toBe(401);
  });

  it('read-only token: skopeo pull works, push is DENIED and writes nothing', async () => {
    const pulled = await run('skopeo', ['inspect', '--creds', `ci:${readToken}`, '--tls-verify=false', `docker://${server.host}/default/app:v1`]);
    expect(pulled.code).toBe(0);
    const push = await run('skopeo', ['copy', '--dest-creds', `ci:${readToken}`, '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${server.host}/default/app:ro`]);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(/denied/i);
    const fresh = await run('skopeo', ['copy', '--dest-creds', `ci:${readToken}`, '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${server.host}/default/ro-new:v1`]);
    expect(fresh.code).not.toBe(0);
    const tags = await new RegistryClient(server.url, alice).request('GET', '/v2/default/app/tags/list');
    expect(tags.json.tags).toEqual(['v1']);
    expect((await new RegistryClient(server.url, alice).request('GET', '/v2/default/ro-new/tags/list')).status).toBe(404);
    const listed = await aliceApi.get('/api/v1/orgs/default/packages?type=docker');
    expect(listed.body.map((p: { name: string }) => p.name)).not.toContain('ro-new');
  });

  it('a registry token without push scope gets 401 insufficient_scope; one whose holder lacks the role gets 403 DENIED', async () => {
    const pullOnly = await tokenFor(basic(alice.username, alice.password), 'repository:default/app:pull');
    const res = await v2('default/app/blobs/uploads/', { method: 'POST', headers: { authorization: `Bearer ${pullOnly.body.token}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${server.url}/v2/token",service="packgate",scope="repository:default/app:pull,push",error="insufficient_scope"`);
    const readOnly = await tokenFor(basic('ci', readToken), 'repository:default/app:pull,push');
    const denied = await v2('default/app/blobs/uploads/', { method: 'POST', headers: { authorization: `Bearer ${readOnly.body.token}` } });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { errors: { code: string }[] }).errors[0].code).toBe('DENIED');
  });

  it('anonymous: private repository → 401 with challenge; public → pull works, push still 401', async () => {
    const hidden = await v2('default/app/manifests/v1');
    expect(hidden.status).toBe(401);
    expect(hidden.headers.get('www-authenticate')).toBe(`Bearer realm="${server.url}/v2/token",service="packgate",scope="repository:default/app:pull"`);
    const anonymousToken = await tokenFor({}, 'repository:default/app:pull');
    expect(claims(anonymousToken.body.token).access).toEqual([]);
    expect((await admin.patch(`/api/v1/orgs/default/packages/docker/app`, { private: false })).status).toBe(200);
    const publicToken = await tokenFor({}, 'repository:default/app:pull,push');
    expect(claims(publicToken.body.token).access).toEqual([{ type: 'repository', name: 'default/app', actions: ['pull'] }]);
    const inspect = await run('skopeo', ['inspect', '--no-creds', '--tls-verify=false', `docker://${server.host}/default/app:v1`]);
    expect(inspect.code).toBe(0);
    expect((await v2('default/app/manifests/v1')).status).toBe(200);
    const push = await v2('default/app/blobs/uploads/', { method: 'POST' });
    expect(push.status).toBe(401);
    await admin.patch(`/api/v1/orgs/default/packages/docker/app`, { private: true });
  });

  it('package permission mode: only package roles count', async () => {
    const client = new RegistryClient(server.url, alice);
    await pushImage(client, 'default/locked', 'v1', 'locked');
    expect((await admin.patch(`/api/v1/orgs/default/packages/docker/locked`, { permissionMode: 'package' })).status).toBe(200);
    const carol = await makeUser(admin, 'carol', ['docker:write', 'docker:locked:read']);
    const carolClient = new RegistryClient(server.url, carol);
    expect((await carolClient.request('GET', '/v2/default/locked/manifests/v1')).status).toBe(200);
    const push = await carolClient.request('POST', '/v2/default/locked/blobs/uploads/');
    expect(push.status).toBe(403);
    const aliceNow = await client.request('GET', '/v2/default/locked/manifests/v1');
    expect(aliceNow.status).toBe(403);
    expect(aliceNow.json.errors[0].code).toBe('DENIED');
  });

  it('the package is the image path after the org: REST, roles and packages caveats use tools/lint, token scopes the full path', async () => {
    const bob = await makeUser(admin, 'names-bob', ['dashboard', 'docker:write'], 'team');
    await pushImage(new RegistryClient(server.url, bob), 'team/tools/lint', 'v1', 'lint');
    await pushImage(new RegistryClient(server.url, bob), 'team/web', 'v1', 'web');
    const listed = await admin.get('/api/v1/orgs/team/packages?type=docker');
    expect(listed.body.map((p: { name: string }) => p.name).sort()).toEqual(['tools/lint', 'web']);
    const detail = await admin.get(`/api/v1/orgs/team/packages/docker/${encodeURIComponent('tools/lint')}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ name: 'tools/lint', type: 'docker' });
    expect((await admin.get(`/api/v1/orgs/team/packages/docker/${encodeURIComponent('team/tools/lint')}`)).status).toBe(404);
    expect((await admin.patch('/api/v1/orgs/team/packages/docker/web', { permissionMode: 'package' })).status).toBe(200);
    const erin = await makeUser(admin, 'names-erin', ['docker:read', 'docker:web:read'], 'team');
    expect((await new RegistryClient(server.url, erin).request('GET', '/v2/team/web/manifests/v1')).status).toBe(200);
    expect((await admin.put('/api/v1/orgs/team/members/names-erin', { roles: ['docker:read', 'docker:team/web:read'] })).status).toBe(400);
    const bobApi = await ApiClient.login(server, bob.username, bob.password);
    const { token } = await makeToken(bobApi, ['docker:read'], 'team');
    const narrowed = attenuateToken(token, ['packages=docker:tools/*']);
    const pullAs = (secret: string, path: string) => new RegistryClient(server.url, { username: 'ci', password: secret }).request('GET', path);
    expect((await pullAs(narrowed, '/v2/team/tools/lint/manifests/v1')).status).toBe(200);
    expect((await pullAs(narrowed, '/v2/team/web/manifests/v1')).status).toBe(403);
    const granted = await tokenFor(basic('ci', narrowed), 'repository:team/tools/lint:pull', 'repository:team/web:pull');
    expect(claims(granted.body.token).access).toEqual([{ type: 'repository', name: 'team/tools/lint', actions: ['pull'] }]);
    const catalog = (await (await v2('_catalog', { headers: basic(bob.username, bob.password) })).json()) as { repositories: string[] };
    expect(catalog.repositories).toContain('team/tools/lint');
    expect(catalog.repositories).not.toContain('team/web');
  });

  it('org isolation: a default-org token or member cannot touch team/*', async () => {
    const bob = await makeUser(admin, 'bob', ['docker:write'], 'team');
    await pushImage(new RegistryClient(server.url, bob), 'team/app', 'v1', 'team');
    const viaToken = await new RegistryClient(server.url, { username: 'ci', password: readToken }).request('GET', '/v2/team/app/manifests/v1');
    expect(viaToken.status).toBe(403);
    const viaAlice = await new RegistryClient(server.url, alice).request('GET', '/v2/team/app/manifests/v1');
    expect(viaAlice.status).toBe(403);
    expect((await new RegistryClient(server.url, alice).request('POST', '/v2/team/other/blobs/uploads/')).status).toBe(403);
    const catalog = await new RegistryClient(server.url, alice).request('GET', '/v2/_catalog');
    expect(catalog.json.repositories).not.toContain('team/app');
  });

  it('cross-repository mount is refused without pull on the source (falls back to an upload session)', async () => {
    const bobCreds = { username: 'bob', password: 'bob-password-1' };
    const res = await fetch(`${server.url}/v2/team/app/blobs/uploads/?mount=${appLayer}&from=default/app`, { method: 'POST', headers: basic(bobCreds.username, bobCreds.password) });
    expect(res.status).toBe(202);
    expect((await fetch(`${server.url}/v2/team/app/blobs/${appLayer}`, { method: 'HEAD', headers: basic(bobCreds.username, bobCreds.password) })).status).toBe(404);
    const noFrom = await fetch(`${server.url}/v2/team/app/blobs/uploads/?mount=${appLayer}`, { method: 'POST', headers: basic(bobCreds.username, bobCreds.password) });
    expect(noFrom.status).toBe(202);
    // Knowing a digest does not read another repository's blob either.
    expect((await fetch(`${server.url}/v2/team/app/blobs/${appLayer}`, { headers: basic(bobCreds.username, bobCreds.password) })).status).toBe(404);
  });

  it('registry tokens die with their access token, and never open the REST API', async () => {
    const { id, token } = await makeToken(aliceApi, ['docker:read']);
    const jwt = (await tokenFor(basic('ci', token), 'repository:default/app:pull')).body.token;
    expect((await v2('default/app/manifests/v1', { headers: { authorization: `Bearer ${jwt}` } })).status).toBe(200);
    expect((await new ApiClient(server.url).get('/api/v1/me', { authorization: `Bearer ${jwt}` })).status).toBeGreaterThanOrEqual(401);
    expect((await aliceApi.delete(`/api/v1/orgs/default/tokens/${id}`)).status).toBe(204);
    const after = await v2('default/app/manifests/v1', { headers: { authorization: `Bearer ${jwt}` } });
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const forged = jwt.slice(0, -4) + (jwt.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await v2('default/app/manifests/v1', { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
  });

  it('a password change kills registry tokens issued to the user', async () => {
    const dave = await makeUser(admin, 'dave', ['docker:read']);
    const jwt = (await tokenFor(basic(dave.username, dave.password), 'repository:default/app:pull')).body.token;
    expect((await v2('default/app/manifests/v1', { headers: { authorization: `Bearer ${jwt}` } })).status).toBe(200);
    expect((await admin.patch('/api/v1/users/dave', { password: 'a-brand-new-password' })).status).toBe(200);
    expect((await v2('default/app/manifests/v1', { headers: { authorization: `Bearer ${jwt}` } })).status).toBe(401);
  });

  it('pushes and deletes are audited', async () => {
    const client = new RegistryClient(server.url, alice);
    const { manifestDigest } = await pushImage(client, 'default/audited', 'v1', 'audit');
    expect((await client.request('DELETE', `/v2/default/audited/manifests/${manifestDigest}`)).status).toBe(202);
    const audit = await admin.get('/api/v1/orgs/default/audit');
    const actions = audit.body.map((event: { action: string; resource: string }) => `${event.action} ${event.resource}`);
    expect(actions).toContain(`docker.push docker:default/audited@${manifestDigest}`);
    expect(actions).toContain(`docker.delete docker:default/audited:${manifestDigest}`);
  });

  it('skopeo with the read-only token can copy out', async () => {
    const out = `${work.dir}/ro-out`;
    await mustRun('skopeo', ['copy', '--src-creds', `ci:${readToken}`, '--src-tls-verify=false', `docker://${server.host}/default/app:v1`, `oci:${out}:v1`]);
  });
});
