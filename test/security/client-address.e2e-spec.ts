import { attenuateToken } from '@packgate/auth';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { basicAuth, rawRequest } from '../support/raw-http';
import { TestServer, forEachDatabase, startServer } from '../support/server';

const PROXY = '127.0.0.2';

forEachDatabase('client address behind a trusted proxy', (database) => {
  let server: TestServer;
  let admin: ApiClient;
  let caveated: string;

  beforeAll(async () => {
    server = await startServer({ database, env: { PACKGATE_TRUSTED_PROXIES: `${PROXY}/32` } });
    admin = await ApiClient.login(server);
    caveated = attenuateToken((await makeToken(admin, ['api'])).token, ['ip=10.9.9.9']);
  });
  afterAll(() => server?.close());

  const me = (headers: Record<string, string>, localAddress?: string) =>
    rawRequest(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${caveated}`, ...headers }, localAddress });

  it('ip caveat: X-Forwarded-For from an untrusted peer is ignored', async () => {
    expect((await me({ 'x-forwarded-for': '10.9.9.9' })).status).toBe(401);
    expect((await me({ forwarded: 'for=10.9.9.9' })).status).toBe(401);
  });

  it('ip caveat: X-Forwarded-For and Forwarded from the trusted proxy name the client', async () => {
    expect((await me({ 'x-forwarded-for': '10.9.9.9' }, PROXY)).status).toBe(200);
    expect((await me({ 'x-forwarded-for': '10.9.9.9, 127.0.0.2' }, PROXY)).status).toBe(200);
    expect((await me({ forwarded: 'for="10.9.9.9:4711";proto=https' }, PROXY)).status).toBe(200);
    // The rightmost untrusted hop counts, not a spoofed leftmost one.
    expect((await me({ 'x-forwarded-for': '10.9.9.9, 192.0.2.1' }, PROXY)).status).toBe(401);
    expect((await me({}, PROXY)).status).toBe(401);
  });

  it('the audit trail records the same address', async () => {
    const bad = { authorization: 'Bearer pgt_not-a-token' };
    await rawRequest(`${server.url}/default/pypi/simple/`, { headers: { ...bad, 'x-forwarded-for': '10.7.7.7' }, localAddress: PROXY });
    await rawRequest(`${server.url}/default/pypi/simple/`, { headers: { ...bad, 'x-forwarded-for': '10.8.8.8' } });
    const events = await admin.get('/api/v1/orgs/default/audit?action=auth.failed');
    expect(events.status).toBe(200);
    const ips = events.body.map((event: { ip: string }) => event.ip);
    expect(ips).toContain('10.7.7.7');
    expect(ips).toContain('127.0.0.1');
    expect(ips).not.toContain('10.8.8.8');
  });

  it('the password throttle keys on the forwarded client, not on the proxy', async () => {
    const user = await makeUser(admin, 'behind-proxy', ['pypi:read']);
    const index = `${server.url}/default/pypi/simple/`;
    const attempt = (password: string, client: string) => rawRequest(index, { headers: { authorization: basicAuth(user.username, password), 'x-forwarded-for': client }, localAddress: PROXY });
    for (let i = 0; i < 5; i++) expect((await attempt(`guess-${i}`, '10.6.6.6')).status).toBe(401);
    expect((await attempt(user.password, '10.6.6.6')).status).toBe(429);
    expect((await attempt(user.password, '10.5.5.5')).status).toBe(200);
  });
});
