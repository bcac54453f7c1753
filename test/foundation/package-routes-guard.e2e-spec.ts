import { attenuateToken } from '@packgate/auth';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { seedPackage } from '../support/packages';
import { TestServer, forEachDatabase, startServer } from '../support/server';

/**
 * The REST package routes and the PyPI release routes decide access in one guard
 * (@PackageAccessRequired): each kind of caller an attacker could be gets the answer the
 * package-access step gives, and nothing changes on a refusal.
 */
forEachDatabase('Package routes through the access guard', (database) => {
  let server: TestServer;
  let admin: ApiClient;
  let anonymous: ApiClient;
  let reader: ApiClient;
  let outsider: ApiClient;
  let readerToken: string;

  const pkgPath = '/api/v1/orgs/default/packages/pypi/guarded-pkg';
  const release = `${pkgPath}/versions/1.0.0`;

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    anonymous = new ApiClient(server.url);
    await seedPackage(server, { type: 'pypi', name: 'guarded-pkg', version: '1.0.0' });
    const rita = await makeUser(admin, 'rita', ['dashboard', 'pypi:read']);
    reader = await ApiClient.login(server, rita.username, rita.password);
    readerToken = (await makeToken(reader, ['api', 'pypi:read'])).token;
    expect((await admin.post('/api/v1/orgs', { slug: 'elsewhere' })).status).toBe(201);
    const otto = await makeUser(admin, 'otto', ['dashboard', 'pypi:write', 'org:admin'], 'elsewhere');
    outsider = await ApiClient.login(server, otto.username, otto.password);
  });
  afterAll(() => server?.close());

  const settings = async () => (await admin.get(pkgPath)).body as { private: boolean; permissionMode: string; versionCount: number };

  it('answers anonymous callers 401 and readers 403 on changes, and leaves the package as it was', async () => {
    const before = await settings();
    expect((await anonymous.get(pkgPath)).status).toBe(401);
    expect((await anonymous.patch(pkgPath, { private: false })).status).toBe(401);
    expect((await reader.get(pkgPath)).status).toBe(200);
    expect((await reader.patch(pkgPath, { private: false })).status).toBe(403);
    expect((await reader.delete(pkgPath)).status).toBe(403);
    expect((await reader.patch(release, { yanked: true })).status).toBe(403);
    expect((await reader.delete(release)).status).toBe(403);
    expect(await settings()).toEqual(before);
  });

  it('tells members of another org nothing about the package: the same refusal as for a missing one, on every route', async () => {
    const missing = (path: string) => path.replace('guarded-pkg', 'no-such-pkg');
    for (const [method, path] of [['GET', pkgPath], ['PATCH', pkgPath], ['DELETE', pkgPath], ['PATCH', release], ['DELETE', release]] as const) {
      const body = method === 'PATCH' ? { private: false, yanked: true } : undefined;
      const existing = await outsider.request(method, path, body);
      const absent = await outsider.request(method, missing(path), body);
      expect({ method, path, status: existing.status, message: existing.body.message }).toEqual({ method, path, status: absent.status, message: absent.body.message });
      expect([403, 404]).toContain(existing.status);
    }
    expect((await reader.get('/api/v1/orgs/default/packages/pypi/no-such-pkg')).status).toBe(404);
    expect((await admin.patch('/api/v1/orgs/default/packages/pypi/no-such-pkg/versions/1.0.0', { yanked: true })).status).toBe(404);
  });

  it('refuses an unknown package type with 400 before looking anything up', async () => {
    const res = await admin.get('/api/v1/orgs/default/packages/maven/guarded-pkg');
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(['type must be one of pypi, npm, docker']);
  });

  it('a token narrowed to other packages, and a token whose owner left the org, no longer see it', async () => {
    const bearer = (token: string) => new ApiClient(server.url, { bearer: token });
    expect((await bearer(readerToken).get(pkgPath)).status).toBe(200);
    expect((await bearer(attenuateToken(readerToken, ['packages=pypi:other-*'])).get(pkgPath)).status).toBe(404);
    expect((await admin.delete('/api/v1/orgs/default/members/rita')).status).toBe(204);
    // Without membership the token holds nothing: the REST gate of the org refuses it first.
    expect((await bearer(readerToken).get(pkgPath)).status).toBe(403);
  });

  it('lets an org admin change and then delete it through the same guard', async () => {
    expect((await admin.patch(release, { yanked: true, yankedReason: 'guard test' })).status).toBe(200);
    expect((await admin.patch(pkgPath, { permissionMode: 'package' })).body).toMatchObject({ permissionMode: 'package', roles: ['pypi:guarded-pkg:read', 'pypi:guarded-pkg:write'] });
    expect((await admin.delete(pkgPath)).status).toBe(204);
    expect((await admin.get(pkgPath)).status).toBe(404);
  });
});
