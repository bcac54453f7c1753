import { ApiClient, makeToken, makeUser } from '../support/http';
import { seedPackage } from '../support/packages';
import { basicAuth } from '../support/raw-http';
import { TestServer, forEachDatabase, startServer } from '../support/server';

/**
 * Why the auth group uses passport-custom over passport-http / passport-http-bearer, pinned by
 * requests: a password may contain `:` (BasicStrategy cuts it at the first one), a token may come
 * as `pgt_…:` with an empty password (BasicStrategy refuses empty passwords), and `access_token`
 * in the query or body is not a credential anywhere (BearerStrategy would take it on every route,
 * around the read-only link-token rule).
 */
forEachDatabase('Basic and Bearer parsing', (database) => {
  let server: TestServer;
  let token: string;
  let apiToken: string;
  const simple = (headers: Record<string, string> = {}, query = '') => fetch(`${server.url}/default/pypi/simple/colon-pkg/${query}`, { headers });

  beforeAll(async () => {
    server = await startServer({ database });
    const admin = await ApiClient.login(server);
    await makeUser(admin, 'colon', ['dashboard', 'pypi:read', 'npm:read'], 'default', 'pa:ss:word-1');
    const colon = await ApiClient.login(server, 'colon', 'pa:ss:word-1');
    token = (await makeToken(colon, ['pypi:read', 'npm:read'])).token;
    apiToken = (await makeToken(colon, ['api', 'pypi:read'])).token;
    await seedPackage(server, { type: 'pypi', name: 'colon-pkg' });
    await seedPackage(server, { type: 'npm', name: 'colon-lib' });
  });
  afterAll(() => server?.close());

  it('takes a password containing ":" whole over Basic', async () => {
    expect((await simple({ authorization: basicAuth('colon', 'pa:ss:word-1') })).status).toBe(200);
    // Cut at the first ":" the password would be "pa": that must not be what is checked.
    expect((await simple({ authorization: basicAuth('colon', 'pa') })).status).toBe(401);
  });

  it('takes a token as the Basic user name with an empty password (`pgt_…:`)', async () => {
    const res = await simple({ authorization: basicAuth(token, '') });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('colon-pkg');
  });

  it('does not take access_token from the query on registry routes', async () => {
    const pypi = await simple({}, `?access_token=${encodeURIComponent(token)}`);
    expect(pypi.status).toBe(401);
    expect(pypi.headers.get('www-authenticate')).toBe('Basic realm="Packgate"');
    const npm = await fetch(`${server.url}/default/npm/colon-lib?access_token=${encodeURIComponent(token)}`);
    expect(npm.status).toBe(401);
  });

  it('does not take access_token from the query or the body on REST routes', async () => {
    const query = await fetch(`${server.url}/api/v1/orgs/default/packages?access_token=${encodeURIComponent(apiToken)}`);
    expect(query.status).toBe(401);
    const body = await fetch(`${server.url}/api/v1/orgs/default/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: apiToken, name: 'x', roles: ['pypi:read'] }) });
    expect(body.status).toBe(401);
    // The same token in the header is accepted: the refusals above are about where it was sent.
    expect((await fetch(`${server.url}/api/v1/orgs/default/packages`, { headers: { authorization: `Bearer ${apiToken}` } })).status).toBe(200);
  });
});
