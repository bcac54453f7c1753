import { ApiClient, makeToken } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';

interface Event {
  id: number;
  action: string;
  ip: string | null;
}

forEachDatabase('audit queries', (database) => {
  let server: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    for (let i = 0; i < 5; i++) await makeToken(admin, ['api']);
  });
  afterAll(() => server?.close());

  const org = async (query: string): Promise<Event[]> => {
    const res = await admin.get(`/api/v1/orgs/default/audit?${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('the action filter is a prefix: token.create finds token.created', async () => {
    const events = await org('action=token.create');
    expect(events.length).toBeGreaterThanOrEqual(5);
    expect(new Set(events.map((e) => e.action))).toEqual(new Set(['token.created']));
    expect((await org('action=token.created')).length).toBe(events.length);
  });

  it('LIKE wildcards in the filter are literal', async () => {
    expect(await org(`action=${encodeURIComponent('%')}`)).toEqual([]);
    expect(await org(`action=${encodeURIComponent('token_created')}`)).toEqual([]);
    expect(await org(`action=${encodeURIComponent('!')}`)).toEqual([]);
    expect(await org(`actor=${encodeURIComponent('%')}`)).toEqual([]);
  });

  it('dashboard (session) actions record the client address', async () => {
    const [latest] = await org('action=token.created&limit=1');
    expect(latest.ip).toMatch(/^(127\.0\.0\.1|::1)$/);
  });

  it('pages with limit and before, in the org and the installation log', async () => {
    const first = await org('action=token.&limit=2');
    expect(first).toHaveLength(2);
    const older = await org(`action=token.&limit=2&before=${first[1].id}`);
    expect(older).toHaveLength(2);
    expect(older[0].id).toBeLessThan(first[1].id);
    expect(new Set([...first, ...older].map((e) => e.id)).size).toBe(4);

    await ApiClient.login(server);
    const installation = await admin.get('/api/v1/audit?action=auth.&limit=1');
    expect(installation.status).toBe(200);
    expect(installation.body).toHaveLength(1);
    const next = await admin.get(`/api/v1/audit?action=auth.&limit=1&before=${installation.body[0].id}`);
    expect(next.status).toBe(200);
    expect(next.body).toHaveLength(1);
    expect(next.body[0].id).toBeLessThan(installation.body[0].id);
    expect(next.body[0].action).toBe('auth.login');
  });

  it('bad paging input is a 400, not a 500', async () => {
    expect((await admin.get('/api/v1/orgs/default/audit?before=abc')).status).toBe(400);
    expect((await admin.get('/api/v1/orgs/default/audit?limit=0')).status).toBe(400);
  });
});
