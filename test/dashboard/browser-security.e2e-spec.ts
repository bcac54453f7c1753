/**
 * The browser-facing protections in real headless Chromium (Debian `chromium` via playwright-core):
 * the dashboard and Swagger UI work under their Content-Security-Policy (no violation reported),
 * pages cannot be framed, a page on another port of the same host (same-site: the SameSite=Strict
 * cookie is sent) cannot use the dashboard session, and the password can be changed in the UI.
 * Needs the dashboard build (`npm run build:dashboard`).
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ApiClient, makeUser } from '../support/http';
import { TestServer, startServer } from '../support/server';

const CHROMIUM = process.env.PACKGATE_CHROMIUM ?? '/usr/bin/chromium';
const DIST_INDEX = path.join(__dirname, '..', '..', 'apps', 'dashboard', 'dist', 'index.html');

/** Collects CSP violations (DOM event and console report) and page errors of a page. */
function watch(page: Page): { violations: string[]; errors: string[] } {
  const seen = { violations: [] as string[], errors: [] as string[] };
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) seen.violations.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => seen.errors.push(error.message));
  return seen;
}

describe('browser security in headless Chromium', () => {
  let server: TestServer;
  let evil: Server;
  let evilUrl = '';
  let browser: Browser;
  let context: BrowserContext;
  let admin: ApiClient;
  /** The script of the hostile page; it reports what it got back in #done. */
  let evilScript = '';

  beforeAll(async () => {
    if (!existsSync(DIST_INDEX)) throw new Error('dashboard not built: run `npm run build:dashboard`');
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: apt-get install -y chromium`);
    server = await startServer();
    admin = await ApiClient.login(server);
    // Same host, other port: same site for the browser, another origin.
    evil = createServer((req, res) => {
      if (req.url === '/evil.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(evilScript);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><title>evil</title><p id="done"></p><iframe id="frame" src="${server.url}/"></iframe><script src="/evil.js"></script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  // A fresh browser profile per test (no cookies carried over), reporting CSP violations in every page.
  beforeEach(async () => {
    await context?.close();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(() => {
      const w = globalThis as any;
      w.__cspViolations = [];
      w.document.addEventListener('securitypolicyviolation', (e: any) => w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (evil) await new Promise((resolve) => evil.close(resolve));
    await server?.close();
  });

  const violationsOf = (page: Page) => page.evaluate(() => (globalThis as any).__cspViolations as string[]);

  it('the CSP is enforced: an injected inline script is reported and blocked', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'Log in to Packgate' }).waitFor();
    const ran = await page.evaluate(() => {
      const w = globalThis as any;
      const script = w.document.createElement('script');
      script.textContent = 'window.__injected = true';
      w.document.body.appendChild(script);
      return w.__injected === true;
    });
    expect(ran).toBe(false);
    await page.waitForFunction(() => (globalThis as any).__cspViolations.length > 0);
    expect((await violationsOf(page)).join('\n')).toMatch(/script-src/);
    await page.close();
  });

  it('the dashboard works under its CSP: log in, change the password, log out', async () => {
    const user = await makeUser(admin, 'csp-user', ['dashboard', 'pypi:write']);
    const other = await ApiClient.login(server, user.username, user.password);
    const page = await context.newPage();
    const seen = watch(page);
    await page.goto(`${server.url}/`);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Access tokens', level: 1 }).waitFor();

    await page.getByRole('link', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Change password', level: 1 }).waitFor();
    await page.getByLabel('Current password').fill('wrong-password');
    await page.getByLabel('New password', { exact: true }).fill('csp-user-new-password');
    await page.getByLabel('Repeat the new password').fill('csp-user-new-password');
    await page.getByRole('button', { name: 'Change password' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('current password is wrong');
    expect((await other.get('/api/v1/me')).status).toBe(200);

    await page.getByLabel('Current password').fill(user.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed. Your other sessions have been logged out.').waitFor();
    expect((await other.get('/api/v1/me')).status).toBe(401);
    await page.reload();
    await page.getByRole('heading', { name: 'Change password', level: 1 }).waitFor();
    await ApiClient.login(server, user.username, 'csp-user-new-password');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in to Packgate' }).waitFor();
    expect(await violationsOf(page)).toEqual([]);
    expect(seen).toEqual({ violations: [], errors: [] });
    await page.close();
  });

  it('Swagger UI renders its operations and Try-it-out login works under its CSP', async () => {
    const page = await context.newPage();
    const seen = watch(page);
    await page.goto(`${server.url}/api/docs`);
    const login = page.locator('#operations-session-SessionController_login');
    await login.waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThan(10);
    await login.locator('.opblock-summary').click();
    await login.getByRole('button', { name: 'Try it out' }).click();
    await login.locator('textarea.body-param__text').fill(JSON.stringify({ username: 'admin', password: server.adminPassword }));
    await login.getByRole('button', { name: 'Execute' }).click();
    await login.locator('.live-responses-table .response-col_status').filter({ hasText: '200' }).first().waitFor();
    // The cookie it set authenticates the next call from Swagger UI.
    const me = page.locator('#operations-session-SessionController_me');
    await me.locator('.opblock-summary').click();
    await me.getByRole('button', { name: 'Try it out' }).click();
    await me.getByRole('button', { name: 'Execute' }).click();
    await me.locator('.live-responses-table .response-col_status').filter({ hasText: '200' }).first().waitFor();
    expect(await violationsOf(page)).toEqual([]);
    expect(seen).toEqual({ violations: [], errors: [] });
    await page.close();
  });

  it('a page on another port of the same host can neither frame the dashboard nor use its session', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(server.adminPassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Access tokens', level: 1 }).waitFor();
    const sessionCookie = (await context.cookies(server.url)).find((c) => c.name === 'packgate_session');
    expect(sessionCookie?.sameSite).toBe('Strict');
    const victim = await admin.post('/api/v1/orgs/default/tokens', { name: 'victim', roles: ['api'] });
    expect(victim.status).toBe(201);

    // The server's answers to the hostile page's requests (a PyPI 401 carries a Basic challenge, so
    // the browser never completes that fetch: watch the server instead of the page).
    const attempts = {
      pypi: 'POST /default/pypi/',
      npmToken: 'POST /default/npm/-/npm/v1/tokens',
      restToken: 'POST /api/v1/orgs/default/tokens',
      rotate: `POST /api/v1/orgs/default/tokens/${victim.body.id}/rotate`,
      docker: 'POST /v2/evil/image/blobs/uploads/',
      logout: 'POST /api/v1/auth/logout',
    };
    const answered = new Map<string, number>();
    let notify = () => undefined as void;
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      const key = `${req.method} ${req.url}`; // before Express runs: it rewrites req.url inside mounted middleware
      res.on('finish', () => {
        answered.set(key, res.statusCode);
        notify();
      });
    };
    const httpServer = server.app.getHttpServer() as Server;
    httpServer.prependListener('request', onRequest);

    // All with the victim's cookie (credentials: 'include'), as no-cors requests need no preflight.
    evilScript = `
      const target = ${JSON.stringify(server.url)};
      const form = new FormData();
      for (const [k, v] of Object.entries({ ':action': 'file_upload', protocol_version: '1', name: 'evil-pkg', version: '1.0.0', filetype: 'sdist', pyversion: 'source', metadata_version: '2.1' })) form.append(k, v);
      form.append('content', new Blob(['not an sdist']), 'evil_pkg-1.0.0.tar.gz');
      const opts = { mode: 'no-cors', credentials: 'include', method: 'POST' };
      const text = (body) => ({ ...opts, headers: { 'content-type': 'text/plain' }, body: JSON.stringify(body) });
      fetch(target + ${JSON.stringify(attempts.pypi.slice(5))}, { ...opts, body: form });
      fetch(target + ${JSON.stringify(attempts.npmToken.slice(5))}, text({ name: 'evil-npm', password: '' }));
      fetch(target + ${JSON.stringify(attempts.restToken.slice(5))}, text({ name: 'evil-rest', roles: ['api'] }));
      fetch(target + ${JSON.stringify(attempts.rotate.slice(5))}, opts);
      fetch(target + ${JSON.stringify(attempts.docker.slice(5))}, opts).then(() => fetch(target + ${JSON.stringify(attempts.logout.slice(5))}, opts));
    `;
    const attack = await context.newPage();
    try {
      await attack.goto(`${evilUrl}/`);
      await new Promise<void>((resolve, reject) => {
        const bound = setTimeout(() => reject(new Error(`the server answered only ${JSON.stringify([...answered])}`)), 60_000);
        notify = () => (Object.values(attempts).every((key) => answered.has(key)) ? (clearTimeout(bound), resolve()) : undefined);
        notify();
      });
    } finally {
      httpServer.off('request', onRequest);
    }
    expect(Object.fromEntries(Object.entries(attempts).map(([name, key]) => [name, answered.get(key)]))).toEqual({
      pypi: 401,
      npmToken: 401,
      restToken: 415, // a text/plain body never reaches the handler (a JSON one would be 403)
      rotate: 403,
      docker: 401,
      logout: 403,
    });

    // Framing: the dashboard refused to render inside the other origin's iframe.
    const frame = attack.frames().find((f) => f !== attack.mainFrame());
    expect(frame).toBeDefined();
    expect(await frame!.locator('#root').count()).toBe(0);

    // Nothing was created or rotated and the session survived.
    expect((await admin.get('/api/v1/orgs/default/packages/pypi/evil-pkg')).status).toBe(404);
    const names = ((await admin.get('/api/v1/orgs/default/tokens?all=true')).body as { name: string }[]).map((t) => t.name);
    expect(names).not.toContain('evil-npm');
    expect(names).not.toContain('evil-rest');
    expect((await admin.withBearer(victim.body.token).get('/api/v1/me')).status).toBe(200);
    await page.reload();
    await page.getByRole('heading', { name: 'Access tokens', level: 1 }).waitFor();
    expect(await page.evaluate(() => (globalThis as any).fetch('/api/v1/me').then((r: any) => r.status))).toBe(200);
    await attack.close();
    await page.close();
  });
});
