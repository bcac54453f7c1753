import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { TestServer, forEachDatabase, itOnDefaultDatabase, startServer } from '../support/server';
import { buildDist, indexUrl, pipDownload, pipInstall, twineUpload } from './support/clients';

/** pip 23 installing and downloading from /{org}/pypi/simple/ with every credential kind and role. */
forEachDatabase('PyPI install with pip', (database) => {
  // The client flows run on SQLite; the tests given to `it` also run on MariaDB (see itOnDefaultDatabase).
  const itSqliteOnly = itOnDefaultDatabase(database);
  let server: TestServer;
  let admin: ApiClient;
  let reader: { username: string; password: string };
  let readToken: string;
  let writeToken: string;

  const installed = (target: string, module: string) => existsSync(path.join(target, module, '__init__.py'));

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    reader = await makeUser(admin, 'reader', ['dashboard', 'pypi:read']);
    readToken = (await makeToken(admin, ['pypi:read'])).token;
    writeToken = (await makeToken(admin, ['pypi:write'])).token;
    const b = await buildDist('pkg-b', '1.0.0');
    const b2 = await buildDist('pkg-b', '2.0.0', { requiresPython: '>=3.99' });
    const a = await buildDist('pkg_a', '1.0.0', { requires: ['pkg-b>=1.0'] });
    const pub = await buildDist('public-pkg', '1.0.0');
    const result = await twineUpload(server, [b.wheel, b.sdist, b2.wheel, a.wheel, a.sdist, pub.wheel], '__token__', writeToken);
    if (result.code !== 0) throw new Error(`seed upload failed: ${result.stderr}`);
    expect((await admin.patch('/api/v1/orgs/default/packages/pypi/public-pkg', { private: false })).status).toBe(200);
  });
  afterAll(() => server?.close());

  it('installs with a user password in the index URL, resolving pkg-a → pkg-b (skipping a Requires-Python it cannot meet)', async () => {
    const result = await pipInstall(indexUrl(server, reader), ['pkg-a']);
    expect(result.stderr).not.toMatch(/ERROR/);
    expect(result.code).toBe(0);
    expect(installed(result.target, 'pkg_a')).toBe(true);
    expect(installed(result.target, 'pkg_b')).toBe(true);
    expect(readFileSync(path.join(result.target, 'pkg_b', '__init__.py'), 'utf8')).toContain('1.0.0');
  });

  itSqliteOnly('installs with a token as password, and with a token as username (empty password)', async () => {
    const asPassword = await pipInstall(indexUrl(server, { username: '__token__', password: readToken }), ['pkg-b']);
    expect(asPassword.code).toBe(0);
    expect(installed(asPassword.target, 'pkg_b')).toBe(true);
    const asUsername = await pipInstall(indexUrl(server, { username: readToken }), ['Pkg.B==1.0.0']);
    expect(asUsername.code).toBe(0);
    expect(installed(asUsername.target, 'pkg_b')).toBe(true);
  });

  itSqliteOnly('pip download fetches the wheel verified against the index hash (PEP 658 metadata first)', async () => {
    const result = await pipDownload(indexUrl(server, { username: '__token__', password: readToken }), ['pkg-a'], ['-v']);
    expect(result.code).toBe(0);
    expect(readdirSync(result.dest).sort()).toEqual(['pkg_a-1.0.0-py3-none-any.whl', 'pkg_b-1.0.0-py3-none-any.whl']);
    expect(result.stdout).toMatch(/\.whl\.metadata/);
  });

  itSqliteOnly('installs a public package with no credentials at all; a private one fails anonymously', async () => {
    const pub = await pipInstall(indexUrl(server), ['public-pkg']);
    expect(pub.code).toBe(0);
    expect(installed(pub.target, 'public_pkg')).toBe(true);
    const priv = await pipInstall(indexUrl(server), ['pkg-b'], ['-vv']);
    expect(priv.code).not.toBe(0);
    expect(priv.stdout + priv.stderr).toMatch(/401/);
    expect(priv.stderr).toMatch(/from versions: none/);
  });

  it('wrong password fails; a member without pypi roles is told so; another org’s token sees nothing', async () => {
    const wrong = await pipInstall(indexUrl(server, { username: reader.username, password: 'wrong-password' }), ['pkg-b'], ['-vv']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout + wrong.stderr).toMatch(/401/);
    const outsider = await makeUser(admin, 'outsider', ['dashboard']);
    const none = await pipInstall(indexUrl(server, outsider), ['pkg-b'], ['-vv']);
    expect(none.code).not.toBe(0);
    expect(none.stdout + none.stderr).toMatch(/403/);
    expect(none.stdout + none.stderr).toContain('this account has no pypi role in org');
    expect((await admin.post('/api/v1/orgs', { slug: 'elsewhere' })).status).toBe(201);
    const foreign = (await makeToken(admin, ['pypi:read'], 'elsewhere')).token;
    const cross = await pipInstall(indexUrl(server, { username: '__token__', password: foreign }), ['pkg-b'], ['-vv']);
    expect(cross.code).not.toBe(0);
    expect(cross.stdout + cross.stderr).toMatch(/404/);
  });

  itSqliteOnly('package mode: a pypi:read token loses access until it holds the package role', async () => {
    expect((await admin.patch('/api/v1/orgs/default/packages/pypi/pkg-b', { permissionMode: 'package' })).status).toBe(200);
    const lost = await pipDownload(indexUrl(server, { username: '__token__', password: readToken }), ['pkg-b']);
    expect(lost.code).not.toBe(0);
    const scoped = (await makeToken(admin, ['pypi:pkg-b:read'])).token;
    const ok = await pipDownload(indexUrl(server, { username: '__token__', password: scoped }), ['pkg-b']);
    expect(ok.code).toBe(0);
    expect(readdirSync(ok.dest)).toEqual(['pkg_b-1.0.0-py3-none-any.whl']);
    expect((await admin.patch('/api/v1/orgs/default/packages/pypi/pkg-b', { permissionMode: 'standard' })).status).toBe(200);
  });

  itSqliteOnly('a yanked release is skipped unless pinned; deleting it removes it from the index', async () => {
    const yank = await admin.patch('/api/v1/orgs/default/packages/pypi/pkg-a/versions/1.0.0', { yanked: true, yankedReason: 'broken build' });
    expect(yank.status).toBe(200);
    expect(yank.body).toMatchObject({ name: 'pkg-a', version: '1.0.0', yanked: true, yankedReason: 'broken build' });
    const index = indexUrl(server, reader);
    const unpinned = await pipDownload(index, ['pkg-a', '--no-deps']);
    expect(unpinned.code).not.toBe(0);
    const pinned = await pipDownload(index, ['pkg-a==1.0.0', '--no-deps']);
    expect(pinned.code).toBe(0);
    expect(pinned.stderr).toMatch(/yanked.*broken build/i);
    expect((await admin.patch('/api/v1/orgs/default/packages/pypi/pkg-a/versions/1.0.0', { yanked: false })).status).toBe(200);
    expect((await admin.delete('/api/v1/orgs/default/packages/pypi/pkg-a/versions/1.0.0/files/pkg_a-1.0.0.tar.gz')).status).toBe(204);
    const page = await fetch(`${server.url}/default/pypi/simple/pkg-a/`, { headers: { authorization: `Basic ${Buffer.from(`__token__:${readToken}`).toString('base64')}` } });
    expect(await page.text()).not.toContain('pkg_a-1.0.0.tar.gz');
    expect((await admin.delete('/api/v1/orgs/default/packages/pypi/pkg-a/versions/1.0.0')).status).toBe(204);
    expect((await pipDownload(index, ['pkg-a', '--no-deps'])).code).not.toBe(0);
  });

  itSqliteOnly('yank/delete need package:write: a read-only token gets 403, so does a token without pypi roles', async () => {
    const rest = admin.withBearer((await makeToken(admin, ['api', 'pypi:read'])).token);
    expect((await rest.patch('/api/v1/orgs/default/packages/pypi/pkg-b/versions/1.0.0', { yanked: true })).status).toBe(403);
    expect((await rest.delete('/api/v1/orgs/default/packages/pypi/pkg-b/versions/1.0.0')).status).toBe(403);
    // No pypi role at all: told so (403), whether or not the version exists.
    const noPypiRole = admin.withBearer((await makeToken(admin, ['api'])).token);
    expect((await noPypiRole.delete('/api/v1/orgs/default/packages/pypi/pkg-b/versions/1.0.0')).status).toBe(403);
    expect((await noPypiRole.delete('/api/v1/orgs/default/packages/pypi/no-such-pkg/versions/1.0.0')).status).toBe(403);
    const writer = admin.withBearer((await makeToken(admin, ['api', 'pypi:write'])).token);
    expect((await writer.patch('/api/v1/orgs/default/packages/pypi/pkg-b/versions/1.0.0', { yanked: 'yes' })).status).toBe(400);
    expect((await writer.patch('/api/v1/orgs/default/packages/pypi/pkg-b/versions/9.9.9', { yanked: true })).status).toBe(404);
  });
});
