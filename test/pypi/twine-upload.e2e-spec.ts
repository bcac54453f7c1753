import { ApiClient, makeToken, makeUser } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';
import { BuiltDist, buildDist, twineUpload } from './support/clients';

/** twine 4.0.2 (Debian) uploading hand-built wheels and sdists with every credential kind. */
forEachDatabase('PyPI upload with twine', (database) => {
  let server: TestServer;
  let admin: ApiClient;
  let writer: { username: string; password: string };
  let dist: BuiltDist;

  const files = async (name: string) => (await admin.get(`/api/v1/orgs/default/packages/pypi/${name}`)).body?.versions?.flatMap((v: { files: { filename: string }[] }) => v.files.map((f) => f.filename)) ?? [];

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    writer = await makeUser(admin, 'writer', ['dashboard', 'pypi:write']);
    dist = await buildDist('Demo.Pkg', '0.1.0', { requiresPython: '>=3.8' });
  });
  afterAll(() => server?.close());

  it('uploads a wheel and an sdist with a user password', async () => {
    const result = await twineUpload(server, [dist.wheel, dist.sdist], writer.username, writer.password);
    expect(result.stderr + result.stdout).not.toMatch(/HTTPError/);
    expect(result.code).toBe(0);
    expect(await files('demo-pkg')).toEqual(['demo_pkg-0.1.0-py3-none-any.whl', 'demo_pkg-0.1.0.tar.gz']);
    const detail = await admin.get('/api/v1/orgs/default/packages/pypi/demo-pkg');
    expect(detail.body.name).toBe('Demo.Pkg');
  });

  it('uploads with a token as password (__token__) and as username with an empty password', async () => {
    const { token } = await makeToken(admin, ['pypi:write']);
    const v2 = await buildDist('Demo.Pkg', '0.2.0');
    expect((await twineUpload(server, [v2.wheel], '__token__', token)).code).toBe(0);
    expect((await twineUpload(server, [v2.sdist], token, '')).code).toBe(0);
    expect(await files('demo-pkg')).toEqual(expect.arrayContaining(['demo_pkg-0.2.0-py3-none-any.whl', 'demo_pkg-0.2.0.tar.gz']));
  });

  it('refuses a read-only token with 403 and stores nothing', async () => {
    const { token } = await makeToken(admin, ['pypi:read']);
    const other = await buildDist('readonly-pkg', '1.0.0');
    const result = await twineUpload(server, [other.wheel], '__token__', token);
    expect(result.code).not.toBe(0);
    expect(result.stderr + result.stdout).toMatch(/403/);
    expect(result.stderr + result.stdout).toMatch(/needs role pypi:write/);
    expect((await admin.get('/api/v1/orgs/default/packages/pypi/readonly-pkg')).status).toBe(404);
  });

  it('refuses wrong credentials with 401 and a reason, and an anonymous upload with 401', async () => {
    const other = await buildDist('wrong-creds', '1.0.0');
    const wrong = await twineUpload(server, [other.wheel], writer.username, 'not-the-password');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr + wrong.stdout).toMatch(/401/);
    expect(wrong.stderr + wrong.stdout).toMatch(/invalid username or password/);
    expect(wrong.stderr + wrong.stdout).not.toContain('not-the-password');
    const anon = await fetch(`${server.url}/default/pypi/`, { method: 'POST' });
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toBe('Basic realm="Packgate"');
    expect((await admin.get('/api/v1/orgs/default/packages/pypi/wrong-creds')).status).toBe(404);
  });

  it('refuses a token of another org', async () => {
    expect((await admin.post('/api/v1/orgs', { slug: 'other' })).status).toBe(201);
    const { token } = await makeToken(admin, ['pypi:write'], 'other');
    const other = await buildDist('cross-org', '1.0.0');
    const result = await twineUpload(server, [other.wheel], '__token__', token);
    expect(result.code).not.toBe(0);
    expect(result.stderr + result.stdout).toMatch(/403/);
    expect((await admin.get('/api/v1/orgs/default/packages/pypi/cross-org')).status).toBe(404);
    // the same token uploads fine into its own org
    expect((await twineUpload(server, [other.wheel], '__token__', token, { org: 'other' })).code).toBe(0);
  });

  it('re-uploading the identical file succeeds; different content is 400 "File already exists" and --skip-existing passes', async () => {
    expect((await twineUpload(server, [dist.wheel], writer.username, writer.password)).code).toBe(0);
    const changed = await buildDist('Demo.Pkg', '0.1.0', { payloadKb: 1 });
    const refused = await twineUpload(server, [changed.wheel], writer.username, writer.password);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr + refused.stdout).toMatch(/400/);
    expect(refused.stderr + refused.stdout).toMatch(/File already exists/);
    const skipped = await twineUpload(server, [changed.wheel], writer.username, writer.password, { extra: ['--skip-existing'] });
    expect(skipped.code).toBe(0);
    expect(skipped.stdout + skipped.stderr).toMatch(/Skipping/);
  });

  it('package mode: a pypi:write token loses write until it holds the package role', async () => {
    const pkgDist = await buildDist('mode-pkg', '1.0.0');
    const { token } = await makeToken(admin, ['pypi:write']);
    expect((await twineUpload(server, [pkgDist.wheel], '__token__', token)).code).toBe(0);
    expect((await admin.patch('/api/v1/orgs/default/packages/pypi/mode-pkg', { permissionMode: 'package' })).status).toBe(200);
    const next = await buildDist('mode-pkg', '1.1.0');
    const refused = await twineUpload(server, [next.wheel], '__token__', token);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr + refused.stdout).toMatch(/needs role pypi:mode-pkg:write/);
    const { token: scoped } = await makeToken(admin, ['pypi:mode-pkg:write']);
    expect((await twineUpload(server, [next.wheel], '__token__', scoped)).code).toBe(0);
  });

  it('records uploads in the audit trail without secrets', async () => {
    const audit = await admin.get('/api/v1/orgs/default/audit');
    expect(audit.status).toBe(200);
    const uploads = audit.body.filter((event: { action: string }) => event.action === 'pypi.upload');
    expect(uploads.some((event: { result: string; resource: string }) => event.result === 'success' && event.resource === 'pypi:demo-pkg/demo_pkg-0.1.0-py3-none-any.whl')).toBe(true);
    expect(uploads.some((event: { result: string }) => event.result === 'failure')).toBe(true);
    expect(audit.text).not.toMatch(/pgt_[A-Za-z0-9_-]{10,}/);
  });
});
