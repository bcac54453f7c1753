import { DataSource } from 'typeorm';
import * as argon2 from 'argon2';
import { PasswordService } from '@packgate/auth';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { basicAuth, rawRequest, waitFor } from '../support/raw-http';
import { TestServer, forEachDatabase, startServer } from '../support/server';

const OTHER_ADDRESS = '127.0.0.2';

forEachDatabase('password guessing is throttled', (database) => {
  let server: TestServer;
  let admin: ApiClient;
  let passwords: PasswordService;
  let argonRuns: jest.SpyInstance;

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    passwords = server.app.get(PasswordService);
  });
  beforeEach(() => {
    argonRuns = jest.spyOn(passwords.argon2, 'verify');
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => server?.close());

  const login = (username: string, password: string, localAddress?: string) =>
    rawRequest(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }), localAddress });

  it('login: 5 failures block the (address, user) with 429 + Retry-After and no argon2; another address still gets in', async () => {
    const user = await makeUser(admin, 'login-victim', ['dashboard']);
    for (let i = 0; i < 5; i++) expect((await login(user.username, `guess-${i}`)).status).toBe(401);
    argonRuns.mockClear();
    const blocked = await login(user.username, user.password);
    // Another user from the same address is not blocked yet (the address allows 10 failures).
    expect((await login('admin', server.adminPassword)).status).toBe(200);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.json).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(argonRuns).not.toHaveBeenCalled();
    expect((await login(user.username, user.password, OTHER_ADDRESS)).status).toBe(200);
  });

  it('a success resets the (address, user) counter', async () => {
    const user = await makeUser(admin, 'forgetful', ['dashboard']);
    for (let i = 0; i < 4; i++) expect((await login(user.username, `typo-${i}`, OTHER_ADDRESS)).status).toBe(401);
    expect((await login(user.username, user.password, OTHER_ADDRESS)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login(user.username, `typo-again-${i}`, OTHER_ADDRESS)).status).toBe(401);
    expect((await login(user.username, user.password, OTHER_ADDRESS)).status).toBe(200);
  });

  it('PyPI Basic: plain-text 429 with Retry-After and the reason phrase', async () => {
    const user = await makeUser(admin, 'pypi-victim', ['pypi:read']);
    const index = `${server.url}/default/pypi/simple/`;
    const localAddress = '127.0.0.6';
    for (let i = 0; i < 5; i++) expect((await rawRequest(index, { headers: { authorization: basicAuth(user.username, `g${i}`) }, localAddress })).status).toBe(401);
    argonRuns.mockClear();
    const blocked = await rawRequest(index, { headers: { authorization: basicAuth(user.username, user.password) }, localAddress });
    expect(blocked.status).toBe(429);
    expect(blocked.headers['content-type']).toMatch(/^text\/plain/);
    expect(blocked.statusMessage).toMatch(/too many failed password attempts/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(argonRuns).not.toHaveBeenCalled();
  });

  it('Docker /v2/token and /v2/: OCI TOOMANYREQUESTS with Retry-After', async () => {
    const user = await makeUser(admin, 'docker-victim', ['docker:read']);
    const tokenUrl = `${server.url}/v2/token?service=packgate&scope=repository:default/app:pull`;
    const localAddress = '127.0.0.7';
    for (let i = 0; i < 5; i++) expect((await rawRequest(tokenUrl, { headers: { authorization: basicAuth(user.username, `g${i}`) }, localAddress })).status).toBe(401);
    argonRuns.mockClear();
    for (const url of [tokenUrl, `${server.url}/v2/`]) {
      const blocked = await rawRequest(url, { headers: { authorization: basicAuth(user.username, user.password) }, localAddress });
      expect(blocked.status).toBe(429);
      expect(blocked.json.errors[0].code).toBe('TOOMANYREQUESTS');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(argonRuns).not.toHaveBeenCalled();
  });

  it('REST Basic: JSON 429 with Retry-After', async () => {
    const user = await makeUser(admin, 'rest-victim', ['dashboard']);
    const localAddress = '127.0.0.8';
    const me = `${server.url}/api/v1/me`;
    for (let i = 0; i < 5; i++) expect((await rawRequest(me, { headers: { authorization: basicAuth(user.username, `g${i}`) }, localAddress })).status).toBe(401);
    const blocked = await rawRequest(me, { headers: { authorization: basicAuth(user.username, user.password) }, localAddress });
    expect(blocked.status).toBe(429);
    expect(blocked.json).toMatchObject({ statusCode: 429 });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('per address: spraying many usernames from one address is blocked after 10 failures', async () => {
    const address = '127.0.0.3';
    for (let i = 0; i < 10; i++) expect((await login(`sprayed-${i}`, 'Winter2026!', address)).status).toBe(401);
    const blocked = await login('admin', server.adminPassword, address);
    expect(blocked.status).toBe(429);
    expect((await login('admin', server.adminPassword, '127.0.0.4')).status).toBe(200);
  });

  it('npm refuses Basic user:password without looking it up or running argon2', async () => {
    const user = await makeUser(admin, 'npm-user', ['npm:read']);
    argonRuns.mockClear();
    const res = await rawRequest(`${server.url}/default/npm/some-package`, { headers: { authorization: basicAuth(user.username, user.password) } });
    expect(res.status).toBe(401);
    expect(res.json.error).toContain('npm needs an access token');
    expect(argonRuns).not.toHaveBeenCalled();
  });

  it('upgrades a hash with older argon2 parameters at the next successful login', async () => {
    // Created without a membership: nothing has looked the user up (and cached it) yet.
    const user = { username: 'legacy-hash', password: 'legacy-hash-password-1' };
    expect((await admin.post('/api/v1/users', user)).status).toBe(201);
    const dataSource = server.app.get(DataSource);
    const legacy = await argon2.hash(user.password, { type: argon2.argon2id, memoryCost: 65536, timeCost: 3, parallelism: 4 });
    await dataSource.query('UPDATE `user` SET password_hash = ? WHERE username = ?', [legacy, user.username]);
    // Right password, no dashboard role: 403, after the check that upgrades the hash.
    expect((await login(user.username, user.password, '127.0.0.5')).status).toBe(403);
    const [row] = (await dataSource.query('SELECT password_hash FROM `user` WHERE username = ?', [user.username])) as { password_hash: string }[];
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await argon2.verify(row.password_hash, user.password)).toBe(true);
    expect((await login(user.username, user.password, '127.0.0.5')).status).toBe(403);
  });

  it('saturated hashing answers 503 + Retry-After (after a bounded hold) while tokens keep working', async () => {
    const { token } = await makeToken(admin, ['api']);
    const queue = passwords.queue;
    const gates: (() => void)[] = [];
    argonRuns.mockImplementation(() => new Promise<boolean>((resolve) => gates.push(() => resolve(false))));
    const capacity = queue.concurrency + queue.maxWaiting;
    // Distinct addresses and users, so the throttle lets every one of them through to argon2.
    const pending = Array.from({ length: capacity }, (_, i) =>
      rawRequest(`${server.url}/default/pypi/simple/`, { headers: { authorization: basicAuth(`flood-${i}`, 'wrong') }, localAddress: `127.0.1.${(i % 200) + 1}` }),
    );
    await waitFor(() => queue.stats.running === queue.concurrency && queue.stats.waiting === queue.maxWaiting, 20_000, 'a full hashing queue');
    const refused = await rawRequest(`${server.url}/default/pypi/simple/`, { headers: { authorization: basicAuth('one-more', 'wrong') }, localAddress: '127.0.2.1' });
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    const viaToken = await rawRequest(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(viaToken.status).toBe(200);
    await waitFor(() => {
      gates.splice(0).forEach((release) => release());
      return queue.stats.running === 0;
    }, 20_000, 'the queue to drain');
    for (const res of await Promise.all(pending)) expect(res.status).toBe(401);
  });
});
