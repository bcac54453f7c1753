import { ApiClient, makeToken } from '../support/http';
import { seedPackage } from '../support/packages';
import { TestServer, startServer } from '../support/server';

/**
 * Hostile JSON bodies and the security headers, over HTTP. Nothing here depends on the database,
 * so the suite runs on the default one (SQLite).
 */
describe('JSON nesting limits', () => {
  let server: TestServer;
  let npmToken: string;

  const post = async (path: string, body: string, headers: Record<string, string> = {}, method = 'POST') => {
    const res = await fetch(server.url + path, { method, headers: { 'content-type': 'application/json', ...headers }, body });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, type: res.headers.get('content-type') ?? '' };
  };
  const nested = (depth: number, inner = '0') => '['.repeat(depth) + inner + ']'.repeat(depth);

  beforeAll(async () => {
    server = await startServer();
    const admin = await ApiClient.login(server);
    npmToken = (await makeToken(admin, ['api', 'npm:write'])).token;
  });
  afterAll(() => server?.close());

  it('refuses a 900 KB body of nested arrays on login with a 400 in the REST format, not a 500', async () => {
    const res = await post('/api/v1/auth/login', nested(450_000));
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/application\/json/);
    expect(res.json).toEqual({ statusCode: 400, error: 'Bad Request', message: 'request body is nested deeper than 32 levels' });
    // The server is still answering normally.
    expect((await post('/api/v1/auth/login', JSON.stringify({ username: 'admin', password: server.adminPassword }))).status).toBe(200);
  });

  it('counts depth inside objects and ignores brackets inside strings', async () => {
    const deepField = await post('/api/v1/auth/login', `{"username": ${nested(32)}, "password": "x"}`);
    expect(deepField.status).toBe(400);
    expect(deepField.json.message).toMatch(/nested deeper than 32/);
    const atLimit = await post('/api/v1/auth/login', `{"username": ${nested(31)}, "password": "x"}`);
    expect(atLimit.status).toBe(400);
    expect(JSON.stringify(atLimit.json.message)).not.toMatch(/nested/);
    const inString = await post('/api/v1/auth/login', JSON.stringify({ username: 'admin', password: `${'['.repeat(200)}{{{` }));
    expect(inString.status).toBe(401);
  });

  it('keeps the size limit (413) and answers malformed JSON with 400, both as REST JSON', async () => {
    const big = await post('/api/v1/auth/login', JSON.stringify({ username: 'a', password: 'x'.repeat(1_100_000) }));
    expect(big.status).toBe(413);
    expect(big.json).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    const broken = await post('/api/v1/auth/login', '{"username": "admin", "password": "hunter2-secret"');
    expect(broken.status).toBe(400);
    expect(broken.json).toEqual({ statusCode: 400, error: 'Bad Request', message: 'request body is not valid JSON' });
    expect(broken.text).not.toContain('hunter2');
  });

  it('refuses deep nesting in npm JSON bodies (token create, dist-tag) with a 400', async () => {
    const auth = { authorization: `Bearer ${npmToken}` };
    const token = await post('/default/npm/-/npm/v1/tokens', `{"name": ${nested(10_000)}}`, auth);
    expect(token.status).toBe(400);
    expect(token.text).toMatch(/nested deeper than 32/);
    const tag = await post('/default/npm/-/package/deep-pkg/dist-tags/beta', nested(20_000, '"1.0.0"'), auth, 'PUT');
    expect(tag.status).toBe(400);
    expect(tag.text).toMatch(/nested deeper than 32/);
    const publish = await post('/default/npm/deep-pkg', `{"name": "deep-pkg", "versions": ${nested(20_000)}}`, auth, 'PUT');
    expect(publish.status).toBe(400);
    expect(publish.text).toMatch(/nested too deeply/);
  });
});

describe('security headers', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
    await seedPackage(server, { type: 'pypi', name: 'public-pkg', version: '1.0.0', filename: 'public_pkg-1.0.0.tar.gz' });
    const admin = await ApiClient.login(server);
    expect((await admin.patch('/api/v1/orgs/default/packages/pypi/public-pkg', { private: false })).status).toBe(200);
  });
  afterAll(() => server?.close());

  const expectBrowserHeaders = (headers: Headers, what: string) => {
    const csp = headers.get('content-security-policy') ?? '';
    expect({ what, csp }).toEqual({ what, csp: expect.stringContaining("frame-ancestors 'none'") });
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect({ what, xfo: headers.get('x-frame-options') }).toEqual({ what, xfo: 'DENY' });
    expect({ what, nosniff: headers.get('x-content-type-options') }).toEqual({ what, nosniff: 'nosniff' });
    expect({ what, referrer: headers.get('referrer-policy') }).toEqual({ what, referrer: 'no-referrer' });
    expect({ what, hsts: headers.get('strict-transport-security') }).toEqual({ what, hsts: null });
  };

  it('sends CSP, framing protection, nosniff and no-referrer on pages, REST and registry responses', async () => {
    const paths = [
      '/',
      '/api/docs',
      '/api/docs-json',
      '/api/v1/me',
      '/default/pypi/simple/public-pkg/',
      '/default/pypi/files/public-pkg/public_pkg-1.0.0.tar.gz',
      '/default/npm/nothing-here',
      '/v2/',
      '/healthz',
    ];
    for (const path of paths) {
      const res = await fetch(server.url + path, { headers: path.includes('/simple/') ? { accept: 'text/html' } : {} });
      await res.arrayBuffer();
      expectBrowserHeaders(res.headers, path);
    }
    const index = await fetch(`${server.url}/default/pypi/simple/public-pkg/`, { headers: { accept: 'text/html' } });
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(await index.text()).toContain('public_pkg-1.0.0.tar.gz');
  });

  it('lets only Swagger UI use inline styles; the dashboard policy has none', async () => {
    const docs = await fetch(`${server.url}/api/docs`);
    expect(docs.headers.get('content-security-policy')).toContain("style-src 'self' 'unsafe-inline'");
    const dashboard = await fetch(`${server.url}/`);
    expect(dashboard.headers.get('content-security-policy')).toContain("style-src 'self';");
  });

  it('sends HSTS (and upgrades) only when the public URL is https', async () => {
    const https = await startServer({ env: { PACKGATE_PUBLIC_URL: 'https://packages.example.com' } });
    try {
      const res = await fetch(`${https.url}/healthz`);
      expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
      expect(res.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
      const docs = await fetch(`${https.url}/api/docs`);
      expect(docs.headers.get('content-security-policy')).toContain("connect-src 'self' https://packages.example.com");
    } finally {
      await https.close();
    }
  });
});
