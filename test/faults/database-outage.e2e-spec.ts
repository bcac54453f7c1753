import { randomBytes } from 'node:crypto';
import { CuttableProxy } from '../support/cuttable-proxy';
import { ApiClient, makeToken } from '../support/http';
import { MYSQL_ADMIN_URL, createMysqlDatabase, dropMysqlDatabase, requireMysqlOrSkip, testDatabases } from '../support/databases';
import { TestServer, startServer } from '../support/server';
import { waitFor } from '../support/spawned-server';
import { RegistryClient } from '../docker/support/registry-client';
import { basicAuth } from '../pypi/support/clients';

jest.setTimeout(120_000);

/**
 * MariaDB unreachable: every format answers 503 with Retry-After in its own error format (never
 * 500), /readyz is 503, and the server recovers without a restart once the database is back.
 */
describe('database outage [mysql]', () => {
  let proxy: CuttableProxy;
  let server: TestServer | undefined;
  let name: string | undefined;

  afterAll(async () => {
    await server?.close().catch(() => undefined);
    await proxy?.cut().catch(() => undefined);
    if (name) await dropMysqlDatabase(name);
  });

  it('answers 503 with Retry-After while the database is unreachable and recovers', async () => {
    if (!testDatabases().includes('mysql')) return;
    if (!(await requireMysqlOrSkip())) return;
    const admin = new URL(MYSQL_ADMIN_URL);
    proxy = new CuttableProxy({ host: admin.hostname, port: Number(admin.port || 3306) });
    await proxy.open();
    name = `packgate_outage_${randomBytes(5).toString('hex')}`;
    await createMysqlDatabase(name);
    const viaProxy = new URL(MYSQL_ADMIN_URL);
    viaProxy.port = String(proxy.port);
    viaProxy.pathname = `/${name}`;
    server = await startServer({ env: { DATABASE_URL: viaProxy.toString() } });
    const token = (await makeToken(await ApiClient.login(server), ['api', 'pypi:read', 'npm:read', 'docker:read'])).token;
    const registry = new RegistryClient(server.url, { username: '__token__', password: token });
    expect((await registry.request('GET', '/v2/default/outage-image/tags/list')).status).toBe(404); // registry token in hand

    await proxy.cut();

    const rest = await fetch(`${server.url}/api/v1/orgs/default/packages`, { headers: { authorization: `Bearer ${token}` } });
    expect(rest.status).toBe(503);
    expect(rest.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await rest.json()).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });

    const pypi = await fetch(`${server.url}/default/pypi/simple/outage-pkg/`, { headers: { authorization: basicAuth('__token__', token) } });
    expect(pypi.status).toBe(503);
    expect(pypi.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(pypi.headers.get('content-type')).toContain('text/plain');

    const npm = await fetch(`${server.url}/default/npm/outage-lib`, { headers: { authorization: `Bearer ${token}` } });
    expect(npm.status).toBe(503);
    expect(npm.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(Object.keys((await npm.json()) as object)).toEqual(['error']);

    const docker = await registry.request('GET', '/v2/default/outage-image/tags/list');
    expect(docker.status).toBe(503);
    expect(docker.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(docker.json.errors[0].code).toBe('UNAVAILABLE');

    const login = await new ApiClient(server.url).request('POST', '/api/v1/auth/login', { username: 'admin', password: server.adminPassword });
    expect(login.status).toBe(503);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);

    await proxy.open();
    await waitFor('readyz after the database is back', async () => (await fetch(`${server!.url}/readyz`)).status === 200);
    expect((await fetch(`${server.url}/api/v1/orgs/default/packages`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await registry.request('GET', '/v2/default/outage-image/tags/list')).status).toBe(404);
  });
});
