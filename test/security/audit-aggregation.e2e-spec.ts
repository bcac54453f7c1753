import { attenuateToken } from '../../libs/auth/src/macaroons/token-codec';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { basicAuth, rawRequest, waitFor } from '../support/raw-http';
import { TestServer, forEachDatabase, startServer } from '../support/server';

interface Event {
  id: number;
  action: string;
  result: string;
  ip: string | null;
  resource: string;
  details: Record<string, any> | null;
}

forEachDatabase('audit trail under a flood of failures', (database) => {
  let server: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
  });
  afterAll(() => server?.close());

  const orgEvents = async (action: string): Promise<Event[]> => (await admin.get(`/api/v1/orgs/default/audit?action=${action}&limit=500`)).body;
  const installationEvents = async (action: string): Promise<Event[]> => (await admin.get(`/api/v1/audit?action=${action}&limit=500`)).body;

  it('repeated failed authentications from one address become one row with a count', async () => {
    const localAddress = '127.0.3.1';
    const flood = 30;
    for (let i = 0; i < flood; i++) {
      const res = await rawRequest(`${server.url}/default/pypi/simple/p${i}/`, { headers: { authorization: 'Bearer pgt_forged' }, localAddress });
      expect(res.status).toBe(401);
    }
    // Another reason from the same address is its own row.
    await rawRequest(`${server.url}/default/pypi/simple/`, { headers: { authorization: 'Basic %%%' }, localAddress });
    let rows: Event[] = [];
    await waitFor(async () => {
      rows = (await orgEvents('auth.failed')).filter((event) => event.ip === localAddress);
      return rows.some((event) => event.details?.count === flood);
    }, 15_000, 'the aggregated count');
    expect(rows).toHaveLength(2);
    const aggregated = rows.find((event) => event.details?.count === flood)!;
    expect(aggregated.resource).toBe('GET /default/pypi/simple/p0/');
    expect(aggregated.details?.lastAt).toEqual(expect.any(String));
    expect(JSON.stringify(rows)).not.toContain('pgt_forged');
  });

  it('failures whose text the client chooses (caveat values, Origin) still fold into one row per address and kind', async () => {
    const localAddress = '127.0.3.5';
    const token = (await makeToken(admin, ['pypi:read'])).token;
    const flood = 12;
    for (let i = 0; i < flood; i++) {
      // Each derived token is refused with a reason quoting its own caveat value.
      const res = await rawRequest(`${server.url}/default/pypi/simple/`, { headers: { authorization: `Bearer ${attenuateToken(token, [`expires=soon-${i}`])}` }, localAddress });
      expect(res.status).toBe(401);
    }
    const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: server.adminPassword }) });
    const cookie = /packgate_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
    for (let i = 0; i < flood; i++) {
      const res = await rawRequest(`${server.url}/api/v1/orgs/default/tokens`, {
        method: 'POST',
        headers: { cookie, origin: `http://evil-${i}.example`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `x${i}`, roles: ['api'] }),
        localAddress,
      });
      expect(res.status).toBe(403);
    }
    for (const action of ['auth.failed', 'auth.cross-origin-refused']) {
      let rows: Event[] = [];
      await waitFor(async () => {
        rows = (await orgEvents(action)).filter((event) => event.ip === localAddress);
        return rows.some((event) => event.details?.count === flood);
      }, 15_000, `one aggregated ${action} row`);
      expect(rows).toHaveLength(1);
    }
  });

  it('installation events (logins, user creation) are listed at GET /api/v1/audit, aggregated', async () => {
    const localAddress = '127.0.3.2';
    for (let i = 0; i < 3; i++) {
      const res = await rawRequest(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `nobody-${i}`, password: 'wrong-password' }), localAddress });
      expect(res.status).toBe(401);
    }
    await makeUser(admin, 'audited-user', ['dashboard']);
    let failures: Event[] = [];
    await waitFor(async () => {
      failures = (await installationEvents('auth.login')).filter((event) => event.result === 'failure' && event.ip === localAddress);
      return failures.length === 1 && failures[0].details?.count === 3;
    }, 15_000, 'one aggregated login failure');
    const logins = await installationEvents('auth.login');
    expect(logins.some((event) => event.result === 'success')).toBe(true);
    expect((await admin.get('/api/v1/audit')).body.map((event: Event) => event.action)).toEqual(expect.arrayContaining(['auth.login']));
  });

  it('throttled attempts are audited once per address', async () => {
    const user = await makeUser(admin, 'throttled-user', ['pypi:read']);
    const localAddress = '127.0.3.3';
    const index = `${server.url}/default/pypi/simple/`;
    for (let i = 0; i < 5; i++) await rawRequest(index, { headers: { authorization: basicAuth(user.username, `g${i}`) }, localAddress });
    for (let i = 0; i < 4; i++) expect((await rawRequest(index, { headers: { authorization: basicAuth(user.username, `g${i}`) }, localAddress })).status).toBe(429);
    await waitFor(async () => {
      const rows = (await orgEvents('auth.throttled')).filter((event) => event.ip === localAddress);
      return rows.length === 1 && rows[0].details?.count === 4;
    }, 15_000, 'one auth.throttled row counting 4');
  });

  it('GET /api/v1/audit is for installation admins in a dashboard session only', async () => {
    expect((await new ApiClient(server.url).get('/api/v1/audit')).status).toBe(401);
    const { token } = await makeToken(admin, ['api']);
    expect((await admin.withBearer(token).get('/api/v1/audit')).status).toBe(403);
    const member = await makeUser(admin, 'plain-member', ['dashboard']);
    const memberSession = await ApiClient.login(server, member.username, member.password);
    expect((await memberSession.get('/api/v1/audit')).status).toBe(403);
    const basic = await rawRequest(`${server.url}/api/v1/audit`, { headers: { authorization: basicAuth('admin', server.adminPassword) }, localAddress: '127.0.3.4' });
    expect(basic.status).toBe(403);
  });
});
