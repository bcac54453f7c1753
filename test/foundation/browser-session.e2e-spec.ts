import { createHash, randomBytes } from 'node:crypto';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { TestServer, forEachDatabase } from '../support/server';
import { startServer } from '../support/server';
import { multipartBody } from '../pypi/support/clients';

/**
 * What the dashboard session cookie may do, over real HTTP. A page on another port of the same host
 * is same-site (SameSite=Strict still sends the cookie), so the browser's own headers are what
 * tells such a request apart: these tests send the cookie exactly as the browser would, with the
 * Origin / Sec-Fetch-Site it would add.
 */
forEachDatabase('session cookie scope and cross-origin writes', (database) => {
  let server: TestServer;
  let admin: ApiClient;
  let cookie: string;
  /** What Chromium sends from a page at http://127.0.0.1:<other port>/ (same site, other origin). */
  let sameSite: Record<string, string>;
  let sameOrigin: Record<string, string>;

  const login = async (username: string, password: string): Promise<string> => {
    const res = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url, 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ username, password }),
    });
    expect(res.status).toBe(200);
    return /packgate_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0];
  };
  const send = async (method: string, path: string, headers: Record<string, string>, body?: string | Buffer) => {
    const res = await fetch(server.url + path, { method, headers, body });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json, headers: res.headers };
  };
  const me = async (sessionCookie: string) => (await send('GET', '/api/v1/me', { cookie: sessionCookie })).status;
  const tokenNames = async () => ((await admin.get('/api/v1/orgs/default/tokens?all=true')).body as { name: string }[]).map((t) => t.name);

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    cookie = await login('admin', server.adminPassword);
    const evil = `http://127.0.0.1:${server.port === 65535 ? 65534 : server.port + 1}`;
    sameSite = { cookie, origin: evil, 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors' };
    sameOrigin = { cookie, origin: server.url, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' };
  });
  afterAll(() => server?.close());

  it('ignores the cookie on a PyPI upload (multipart, no-cors): 401, nothing stored', async () => {
    const data = Buffer.from('not really an sdist');
    const { body, contentType } = multipartBody(
      [
        [':action', 'file_upload'],
        ['protocol_version', '1'],
        ['name', 'csrf-pkg'],
        ['version', '1.0.0'],
        ['filetype', 'sdist'],
        ['pyversion', 'source'],
        ['metadata_version', '2.1'],
        ['sha256_digest', createHash('sha256').update(data).digest('hex')],
      ],
      { filename: 'csrf_pkg-1.0.0.tar.gz', data },
    );
    for (const headers of [sameSite, { cookie }]) {
      const res = await send('POST', '/default/pypi/', { ...headers, 'content-type': contentType }, body);
      expect(res.status).toBe(401);
    }
    expect((await admin.get('/api/v1/orgs/default/packages/pypi/csrf-pkg')).status).toBe(404);
  });

  it('ignores the cookie on npm token create (text/plain body): 401, no token', async () => {
    for (const headers of [sameSite, { cookie }]) {
      const res = await send('POST', '/default/npm/-/npm/v1/tokens', { ...headers, 'content-type': 'text/plain;charset=UTF-8' }, JSON.stringify({ name: 'csrf-npm', password: '' }));
      expect(res.status).toBe(401);
      expect(res.text).not.toContain('pgt_');
    }
    expect(await tokenNames()).not.toContain('csrf-npm');
  });

  it('ignores the cookie on a Docker blob upload start and on the token realm', async () => {
    for (const headers of [sameSite, { cookie }]) {
      const res = await send('POST', '/v2/csrf/image/blobs/uploads/', headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('docker-upload-uuid')).toBeNull();
    }
    const realm = await send('GET', '/v2/token?service=packgate&scope=repository:csrf/image:pull,push', { cookie });
    expect(realm.status).toBe(200);
    const claims = JSON.parse(Buffer.from(realm.json.token.split('.')[1], 'base64url').toString('utf8'));
    expect(claims.access ?? []).toEqual([]);
  });

  it('refuses a cross-origin logout and keeps the session; logout is POST only', async () => {
    const session = await login('admin', server.adminPassword);
    const refused = await send('POST', '/api/v1/auth/logout', { ...sameSite, cookie: session, 'content-type': 'text/plain;charset=UTF-8' }, '');
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ statusCode: 403, error: 'Forbidden', message: expect.stringMatching(/cross-origin request refused/) });
    expect(refused.headers.get('set-cookie')).toBeNull();
    expect((await send('GET', '/api/v1/auth/logout', { cookie: session })).status).toBe(404);
    expect(await me(session)).toBe(200);
    const ok = await send('POST', '/api/v1/auth/logout', { ...sameOrigin, cookie: session });
    expect(ok.status).toBe(204);
    expect(await me(session)).toBe(401);
  });

  it('refuses REST writes with the cookie from another origin: 403 JSON, nothing created', async () => {
    const body = JSON.stringify({ name: 'csrf-rest', roles: ['api'] });
    const json = { 'content-type': 'application/json' };
    const cases: Record<string, string>[] = [
      { ...sameSite, ...json },
      { ...sameSite, ...json, origin: server.url }, // Sec-Fetch-Site wins: the browser knows better
      { cookie, ...json, origin: 'http://127.0.0.1:1' },
      { cookie, ...json, origin: 'null' },
      { cookie, ...json, 'sec-fetch-site': 'cross-site' },
      { cookie, ...json, origin: server.url.replace('http:', 'https:') },
    ];
    for (const headers of cases) {
      const res = await send('POST', '/api/v1/orgs/default/tokens', headers, body);
      expect({ headers, status: res.status }).toEqual({ headers, status: 403 });
      expect(res.json.message).toMatch(/cross-origin request refused/);
    }
    const writes: [string, string, unknown][] = [
      ['PUT', '/api/v1/orgs/default/members/admin', { roles: ['dashboard'] }],
      ['PATCH', '/api/v1/users/admin', { disabled: true }],
      ['DELETE', '/api/v1/orgs/default/members/admin', undefined],
    ];
    for (const [method, path, payload] of writes) {
      const res = await send(method, path, { ...sameSite, ...json }, payload === undefined ? undefined : JSON.stringify(payload));
      expect({ method, status: res.status }).toEqual({ method, status: 403 });
    }
    expect(await me(cookie)).toBe(200);
    expect((await send('POST', '/api/v1/auth/login', { ...json, origin: 'http://127.0.0.1:1' }, JSON.stringify({ username: 'admin', password: server.adminPassword }))).status).toBe(403);
    expect(await tokenNames()).not.toContain('csrf-rest');
    expect((await admin.get('/api/v1/orgs/default/members')).body).toEqual(expect.arrayContaining([expect.objectContaining({ username: 'admin', roles: ['dashboard', 'org:admin'] })]));
    const audit = await admin.get('/api/v1/orgs/default/audit?action=auth.cross-origin-refused');
    expect(audit.body.length).toBeGreaterThan(0);
  });

  it('accepts same-origin writes, reads from anywhere, header-less clients and bearer tokens', async () => {
    const json = { 'content-type': 'application/json' };
    const own = await send('POST', '/api/v1/orgs/default/tokens', { ...sameOrigin, ...json }, JSON.stringify({ name: 'same-origin', roles: ['api'] }));
    expect(own.status).toBe(201);
    const originOnly = await send('POST', '/api/v1/orgs/default/tokens', { cookie, ...json, origin: server.url }, JSON.stringify({ name: 'origin-only', roles: ['api'] }));
    expect(originOnly.status).toBe(201);
    const fetchSiteNone = await send('POST', '/api/v1/orgs/default/tokens', { cookie, ...json, 'sec-fetch-site': 'none' }, JSON.stringify({ name: 'user-initiated', roles: ['api'] }));
    expect(fetchSiteNone.status).toBe(201);
    // curl with a saved cookie sends neither header: not a browser, so not a forged request.
    const noHeaders = await send('POST', '/api/v1/orgs/default/tokens', { cookie, ...json }, JSON.stringify({ name: 'curl', roles: ['api'] }));
    expect(noHeaders.status).toBe(201);
    // Reads with the cookie stay allowed from anywhere (the answer is not readable cross-origin).
    expect((await send('GET', '/api/v1/me', sameSite)).status).toBe(200);
    const { token } = await makeToken(admin, ['api']);
    const bearer = await send('POST', '/api/v1/orgs/default/tokens', { ...sameSite, ...json, authorization: `Bearer ${token}` }, JSON.stringify({ name: 'bearer-cross', roles: ['api'] }));
    expect(bearer.status).toBe(201);
    expect(await tokenNames()).toEqual(expect.arrayContaining(['same-origin', 'origin-only', 'user-initiated', 'curl', 'bearer-cross']));
  });

  it('parses REST bodies only as application/json: text/plain is 415 and creates nothing', async () => {
    const body = JSON.stringify({ name: 'plain-text', roles: ['api'] });
    for (const type of ['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await send('POST', '/api/v1/orgs/default/tokens', { ...sameOrigin, 'content-type': type }, body);
      expect({ type, status: res.status }).toEqual({ type, status: 415 });
      expect(res.json).toMatchObject({ statusCode: 415, message: expect.stringMatching(/application\/json/) });
    }
    const { token } = await makeToken(admin, ['api']);
    expect((await send('POST', '/api/v1/orgs/default/tokens', { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body)).status).toBe(415);
    expect(await tokenNames()).not.toContain('plain-text');
  });

  it('changing your own password needs currentPassword and ends your other sessions only', async () => {
    const user = await makeUser(admin, `pw-${randomBytes(3).toString('hex')}`, ['dashboard']);
    const current = await login(user.username, user.password);
    const other = await login(user.username, user.password);
    const adminSession = await login('admin', server.adminPassword);
    const patch = (sessionCookie: string, body: unknown) =>
      send('PATCH', `/api/v1/users/${user.username}`, { cookie: sessionCookie, origin: server.url, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, JSON.stringify(body));

    const missing = await patch(current, { password: 'a-new-password-1' });
    expect(missing.status).toBe(400);
    expect(missing.json.message).toMatch(/currentPassword/);
    const wrong = await patch(current, { password: 'a-new-password-1', currentPassword: 'not-the-password' });
    expect(wrong.status).toBe(403);
    expect(wrong.text).not.toContain('not-the-password');
    expect(await me(other)).toBe(200);

    const changed = await patch(current, { password: 'a-new-password-1', currentPassword: user.password });
    expect(changed.status).toBe(200);
    expect(await me(current)).toBe(200);
    expect(await me(other)).toBe(401);
    expect(await me(adminSession)).toBe(200);
    expect((await send('POST', '/api/v1/auth/login', { 'content-type': 'application/json' }, JSON.stringify({ username: user.username, password: user.password }))).status).toBe(401);
    const fresh = await login(user.username, 'a-new-password-1');

    // An installation admin resetting someone else needs no current password; every session of that user ends.
    const reset = await patch(adminSession, { password: 'an-admin-chosen-1' });
    expect(reset.status).toBe(200);
    expect(await me(current)).toBe(401);
    expect(await me(fresh)).toBe(401);
    expect(await me(adminSession)).toBe(200);
    await login(user.username, 'an-admin-chosen-1');

    // The admin changing their own password is self-service: currentPassword is required.
    const adminSelf = await send('PATCH', '/api/v1/users/admin', { ...sameOrigin, cookie: adminSession, 'content-type': 'application/json' }, JSON.stringify({ password: 'admin-new-password-1' }));
    expect(adminSelf.status).toBe(400);
  });
});

describe('session cookie with a public URL other than the listening address', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ env: { PACKGATE_PUBLIC_URL: 'https://packages.example.com' } });
  });
  afterAll(() => server?.close());

  it('counts the public URL origin as same-origin', async () => {
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://packages.example.com', 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ username: 'admin', password: server.adminPassword }),
    });
    expect(login.status).toBe(200);
    const cookie = /packgate_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
    const create = (origin: string) =>
      fetch(`${server.url}/api/v1/orgs/default/tokens`, { method: 'POST', headers: { cookie, origin, 'content-type': 'application/json' }, body: JSON.stringify({ name: `t-${randomBytes(3).toString('hex')}`, roles: ['api'] }) });
    expect((await create('https://packages.example.com')).status).toBe(201);
    expect((await create('https://other.example.com')).status).toBe(403);
    expect((await create('http://packages.example.com')).status).toBe(403);
  });
});
