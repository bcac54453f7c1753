/**
 * The dashboard in real headless Chromium (Debian `chromium`, driven by playwright-core) against
 * the real server. Elements are found by role and label, never by CSS.
 * Needs the dashboard build: `npm run build --workspace apps/dashboard` (the root `pretest` does it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ApiClient, makeUser } from '../support/http';
import { seedPackage } from '../support/packages';
import { TestServer, startServer } from '../support/server';

const CHROMIUM = process.env.PACKGATE_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', 'artifacts', 'dashboard');
const DIST_INDEX = path.join(__dirname, '..', '..', 'apps', 'dashboard', 'dist', 'index.html');
const PKG = 'demo-pkg';

describe('dashboard in headless Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  /** The token created through the UI: first and rotated secret. */
  let firstSecret = '';
  let rotatedSecret = '';

  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  const me = (secret: string) => fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
  const heading = (name: string) => page.getByRole('heading', { name, exact: true, level: 1 }).waitFor();
  /** "No layout break": nothing wider than the viewport (wide tables scroll inside their region). */
  const assertNoHorizontalOverflow = async () => {
    // Runs in the browser; the root tsconfig has no DOM lib, hence the loose typing.
    const { scroll, width, culprits } = await page.evaluate(() => {
      const { document, innerWidth: width } = globalThis as any;
      const culprits = [...document.querySelectorAll('body *')]
        .filter((el: any) => el.getBoundingClientRect().right > width + 1 && !el.closest('[role=region]'))
        .slice(0, 5)
        .map((el: any) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.textContent ?? '').slice(0, 40)}" right=${Math.round(el.getBoundingClientRect().right)}`);
      return { scroll: document.documentElement.scrollWidth as number, width: width as number, culprits: culprits as string[] };
    });
    expect({ width: scroll, culprits }).toEqual({ width: expect.any(Number), culprits: [] });
    expect(scroll).toBeLessThanOrEqual(width);
  };
  const atWidths = async (name: string) => {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await assertNoHorizontalOverflow();
      await shot(`${name}-${width}`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  };

  beforeAll(async () => {
    if (!existsSync(DIST_INDEX)) throw new Error('dashboard not built: run `npm run build --workspace apps/dashboard`');
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: apt-get install -y chromium`);
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startServer();
    await seedPackage(server, { type: 'pypi', name: PKG, version: '1.0.0', filename: 'demo_pkg-1.0.0.tar.gz' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(15000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('refuses an account without the dashboard role with a readable message', async () => {
    const admin = await ApiClient.login(server);
    const user = await makeUser(admin, 'no-dashboard', ['pypi:read']);
    await page.goto(`${server.url}/`);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('needs role dashboard');
    await shot('login-refused');
  });

  it('logs in as admin (keyboard: Enter submits)', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(server.adminPassword);
    await page.getByLabel('Password').press('Enter');
    await heading('Access tokens');
    expect(page.url()).toMatch(/#\/orgs\/default\/tokens$/);
    await page.getByText('Signed in as').waitFor();
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    const served = await fetch(new URL(icon!, server.url));
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
  });

  it('creates a token with api + pypi:read and shows the secret exactly once', async () => {
    await page.getByLabel('Token name').fill('e2e-reader');
    await page.getByRole('checkbox', { name: 'api', exact: true }).check();
    await page.getByRole('checkbox', { name: 'pypi:read', exact: true }).check();
    // user-only roles are never offered for tokens
    expect(await page.getByRole('checkbox', { name: 'dashboard', exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Create token' }).click();

    const secretField = page.getByLabel('Token secret');
    firstSecret = await secretField.inputValue();
    expect(firstSecret).toMatch(/^pgt_[A-Za-z0-9_-]+$/);
    expect(await page.getByRole('note').textContent()).toContain('shown only once');
    await page.getByRole('button', { name: 'Copy secret' }).waitFor();
    // Snippets read the secret from PACKGATE_TOKEN; it never appears in them.
    expect(await page.getByText(`@${server.host}/default/pypi/simple/`).count()).toBeGreaterThan(0);
    expect(await page.getByText('PACKGATE_TOKEN').count()).toBeGreaterThan(0);
    expect(await page.getByText(firstSecret).count()).toBe(0);
    await page.getByRole('rowheader', { name: 'e2e-reader' }).waitFor();
    await atWidths('tokens-secret');

    await page.getByRole('button', { name: 'I have saved the secret' }).click();
    expect(await secretField.count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.id)).toBe('token-list-h');
    expect(await page.content()).not.toContain(firstSecret);
    await page.reload();
    await page.getByRole('rowheader', { name: 'e2e-reader' }).waitFor();
    expect(await page.content()).not.toContain(firstSecret);
    await atWidths('tokens');
  });

  it('the secret works from a real client call', async () => {
    const res = await me(firstSecret);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { username: string }).username).toBe('admin');
  });

  it('rotates the token: the new secret is shown once and the old one is refused', async () => {
    await page.getByRole('button', { name: 'Rotate e2e-reader' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByRole('button', { name: 'Rotate token' }).click();
    rotatedSecret = await page.getByLabel('Token secret').inputValue();
    expect(rotatedSecret).toMatch(/^pgt_/);
    expect(rotatedSecret).not.toBe(firstSecret);
    await shot('tokens-rotated');
    expect((await me(firstSecret)).status).toBe(401);
    expect((await me(rotatedSecret)).status).toBe(200);
    await page.getByRole('button', { name: 'I have saved the secret' }).click();
  });

  it('lists Python packages and opens the package page', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Packages' }).click();
    await heading('Python packages');
    await page.getByLabel('Search packages').fill('demo');
    await page.getByRole('link', { name: PKG }).click();
    await heading(PKG);
    await page.getByRole('rowheader', { name: 'demo_pkg-1.0.0.tar.gz' }).waitFor();
    expect(await page.getByText(`pip install --index-url ${server.url}/default/pypi/simple/ ${PKG}`).count()).toBe(1);
    await page.goBack();
    await heading('Python packages');
    await page.getByRole('link', { name: PKG }).waitFor();
    await atWidths('packages');
    await page.goForward();
    await heading(PKG);
  });

  it('toggles the package public, and it can then be fetched anonymously', async () => {
    const simple = `${server.url}/default/pypi/simple/${PKG}/`;
    const before = await fetch(simple);
    expect(before.status).toBe(401);

    const toggle = page.getByRole('switch', { name: 'Public package' });
    expect(await toggle.isChecked()).toBe(false);
    await toggle.check();
    await page.getByRole('button', { name: 'Save access settings' }).click();
    await page.getByText('Saved: the package is public, standard mode.').waitFor();
    expect(await toggle.isChecked()).toBe(true);
    // Public now: the file name links to the registry, and the link works without credentials.
    const link = page.getByRole('link', { name: 'demo_pkg-1.0.0.tar.gz' });
    const href = await link.getAttribute('href');
    expect(href).toBe(`${server.url}/default/pypi/files/${PKG}/demo_pkg-1.0.0.tar.gz`);
    expect((await fetch(href!)).status).toBe(200);

    const admin = await ApiClient.login(server);
    expect((await admin.get(`/api/v1/orgs/default/packages/pypi/${PKG}`)).body.private).toBe(false);
    const after = await fetch(simple);
    expect(after.status).toBe(200);
    expect(await after.text()).toContain('demo_pkg-1.0.0.tar.gz');
  });

  it('switches to package mode, and the token form then offers the package roles', async () => {
    await page.getByRole('radio', { name: 'Package-level' }).check();
    await page.getByRole('button', { name: 'Save access settings' }).click();
    await page.getByText(`Saved: the package is public, package mode: roles pypi:${PKG}:read and pypi:${PKG}:write control access.`).waitFor();
    await atWidths('package');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tokens' }).click();
    await heading('Access tokens');
    await page.getByRole('checkbox', { name: `pypi:${PKG}:read`, exact: true }).waitFor();
    await page.getByRole('checkbox', { name: `pypi:${PKG}:write`, exact: true }).waitFor();
    await shot('tokens-package-roles-1280');
  });

  it('deletes the token after confirmation; its secret stops working', async () => {
    await page.getByRole('button', { name: 'Delete e2e-reader' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete token' }).click();
    await page.getByText('Token “e2e-reader” deleted.').waitFor();
    await page.getByRole('rowheader', { name: 'e2e-reader' }).waitFor({ state: 'detached' });
    expect((await me(rotatedSecret)).status).toBe(401);
  });

  it('shows members and the audit log to the org admin', async () => {
    await page.getByRole('link', { name: 'Members' }).click();
    await heading('Members and roles');
    await page.getByRole('rowheader', { name: /no-dashboard/ }).waitFor();
    await atWidths('members');

    await page.getByRole('link', { name: 'Audit log' }).click();
    await heading('Audit log');
    await page.getByRole('table').waitFor();
    await page.getByRole('cell', { name: 'token.rotated' }).first().waitFor();
    await page.getByLabel('Action').fill('token.created');
    await page.getByLabel('Result').selectOption('success');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('cell', { name: 'token.rotated' }).first().waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'token.created' }).first().waitFor();
    await atWidths('audit');
  });

  it('adds a trusted publisher from the GitHub Actions preset and shows the workflow', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Trusted publishers' }).click();
    await heading('Trusted publishers');
    await page.getByText('No trusted publishers yet.').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('app-release');
    await page.getByLabel(/Repository/).fill('acme/app');
    await page.getByLabel(/Git ref/).fill('refs/tags/v*');
    await page.getByRole('checkbox', { name: 'pypi:write' }).check();
    await page.getByLabel('Packages (optional)').fill('pypi:app');
    await page.getByLabel('GitHub Actions workflow').getByText(/id-token: write/).waitFor();
    await page.getByRole('button', { name: 'Add trusted publisher' }).click();
    await page.getByRole('rowheader', { name: 'app-release' }).waitFor();
    await atWidths('trusted-publishers');
    const listed = await page.evaluate(async () => (await (globalThis as any).fetch('/api/v1/orgs/default/trusted-publishers')).json());
    expect(listed).toEqual([expect.objectContaining({ name: 'app-release', claims: { repository: 'acme/app', ref: 'refs/tags/v*' }, roles: ['pypi:write'], packages: ['pypi:app'] })]);
  });

  it('logs out', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in to Packgate' }).waitFor();
    expect((await fetch(`${server.url}/api/v1/me`)).status).toBe(401);
    expect(pageErrors).toEqual([]);
  });
});
