import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { TestServer, forEachDatabase, itOnDefaultDatabase, startServer } from '../support/server';
import { NpmWorkspace } from './npm-cli';

/**
 * The real npm CLI (11.x) against a started server: publish, install, view, dist-tag, deprecate,
 * unpublish, whoami, ping, search, audit, tokens; every role rule allowed and denied.
 */
forEachDatabase('npm registry with the npm CLI', (database) => {
  // The client flows run on SQLite; the tests given to `it` also run on MariaDB (see itOnDefaultDatabase).
  const itSqliteOnly = itOnDefaultDatabase(database);
  let server: TestServer;
  let admin: ApiClient;
  let writeToken: string;
  let readToken: string;
  const workspaces: NpmWorkspace[] = [];
  const workspace = (token?: string, org = 'default', extra: string[] = []) => {
    const ws = new NpmWorkspace(server, token, org, extra);
    workspaces.push(ws);
    return ws;
  };
  const installedVersion = (project: string, name: string) => JSON.parse(readFileSync(path.join(project, 'node_modules', name, 'package.json'), 'utf8')).version as string;

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    const alice = await makeUser(admin, 'alice', ['dashboard', 'npm:write']);
    const bob = await makeUser(admin, 'bob', ['dashboard', 'npm:read']);
    writeToken = (await makeToken(await ApiClient.login(server, alice.username, alice.password), ['npm:write'])).token;
    readToken = (await makeToken(await ApiClient.login(server, bob.username, bob.password), ['npm:read'])).token;
  });
  afterAll(async () => {
    for (const ws of workspaces) ws.cleanup();
    await server?.close();
  });

  it('publishes a package and a scoped package that depends on it; both install together with an npm:write token', async () => {
    const ws = workspace(writeToken);
    expect(await ws.ok(['publish'], { cwd: ws.makePackage('demo-lib', '1.0.0') })).toContain('+ demo-lib@1.0.0');
    const scoped = ws.makePackage('@team/scoped-lib', '2.0.0', { dependencies: { 'demo-lib': '^1.0.0' } });
    expect(await ws.ok(['publish'], { cwd: scoped })).toContain('+ @team/scoped-lib@2.0.0');

    const project = ws.makeProject();
    await ws.ok(['install', '@team/scoped-lib'], { cwd: project });
    expect(installedVersion(project, '@team/scoped-lib')).toBe('2.0.0');
    expect(installedVersion(project, 'demo-lib')).toBe('1.0.0');
    const lock = JSON.parse(readFileSync(path.join(project, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/@team/scoped-lib'].resolved).toBe(`${server.url}/default/npm/@team/scoped-lib/-/scoped-lib-2.0.0.tgz`);
  });

  itSqliteOnly('npm view shows the full document with server-computed dist fields', async () => {
    const ws = workspace(writeToken);
    const view = JSON.parse(await ws.ok(['view', '@team/scoped-lib', '--json']));
    expect(view).toMatchObject({ name: '@team/scoped-lib', version: '2.0.0', dependencies: { 'demo-lib': '^1.0.0' }, 'dist-tags': { latest: '2.0.0' } });
    expect(view.dist.integrity).toMatch(/^sha512-/);
    expect(view.dist.tarball).toBe(`${server.url}/default/npm/@team/scoped-lib/-/scoped-lib-2.0.0.tgz`);
    const corgi = await fetch(`${server.url}/default/npm/@team%2fscoped-lib`, { headers: { authorization: `Bearer ${readToken}`, accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*' } });
    expect(corgi.headers.get('content-type')).toContain('application/vnd.npm.install-v1+json');
    const etag = corgi.headers.get('etag')!;
    expect(Object.keys((await corgi.json()) as object).sort()).toEqual(['dist-tags', 'modified', 'name', 'versions']);
    const again = await fetch(`${server.url}/default/npm/@team%2fscoped-lib`, { headers: { authorization: `Bearer ${readToken}`, accept: 'application/vnd.npm.install-v1+json', 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  itSqliteOnly('installs with an npm:read token but refuses publishing with it (403)', async () => {
    const ws = workspace(readToken);
    const project = ws.makeProject();
    await ws.ok(['install', 'demo-lib'], { cwd: project });
    expect(installedVersion(project, 'demo-lib')).toBe('1.0.0');
    const refused = await ws.run(['publish'], { cwd: ws.makePackage('demo-lib', '1.0.1') });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('E403');
    expect(refused.stderr).toContain('needs role npm:write');
  });

  itSqliteOnly('refuses a private package without a token (E401 with how to fix it), allows it once public', async () => {
    const anon = workspace(undefined);
    const project = anon.makeProject();
    const refused = await anon.run(['install', 'demo-lib'], { cwd: project });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('E401');
    expect(refused.stderr).toContain('_authToken');
    expect((await admin.patch('/api/v1/orgs/default/packages/npm/demo-lib', { private: false })).status).toBe(200);
    await anon.ok(['install', 'demo-lib'], { cwd: project });
    expect(installedVersion(project, 'demo-lib')).toBe('1.0.0');
    const publish = await anon.run(['publish'], { cwd: anon.makePackage('demo-lib', '1.0.2') });
    expect(publish.code).not.toBe(0);
    expect(publish.stderr).toMatch(/ENEEDAUTH|E401/);
  });

  itSqliteOnly('refuses Basic user:password with a message saying npm needs a token', async () => {
    const auth = Buffer.from('alice:alice-password-1').toString('base64');
    const ws = workspace(undefined, 'default', [`//${server.host}/default/npm/:_auth=${auth}`]);
    const result = await ws.run(['install', '@team/scoped-lib'], { cwd: ws.makeProject() });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('E401');
    expect(result.stderr).toContain('npm needs an access token');
    expect(result.stderr).not.toContain('alice-password-1');
  });

  it('a token of another org is refused: 404 on reads (no leak), 403 on publish', async () => {
    expect((await admin.post('/api/v1/orgs', { slug: 'other' })).status).toBe(201);
    const { token } = await makeToken(admin, ['npm:write'], 'other');
    const ws = workspace(token);
    const install = await ws.run(['install', '@team/scoped-lib'], { cwd: ws.makeProject() });
    expect(install.code).not.toBe(0);
    expect(install.stderr).toContain('E404');
    const overwrite = await ws.run(['publish'], { cwd: ws.makePackage('@team/scoped-lib', '2.0.1') });
    expect(overwrite.stderr).toContain('E404');
    const publish = await ws.run(['publish'], { cwd: ws.makePackage('@team/new-lib', '1.0.0') });
    expect(publish.stderr).toContain('E403');
    expect(publish.stderr).toContain('token belongs to org "other"');
    // ...while the same token works in its own org.
    const own = workspace(token, 'other');
    expect(await own.ok(['publish'], { cwd: own.makePackage('@team/scoped-lib', '9.0.0') })).toContain('+ @team/scoped-lib@9.0.0');
  });

  it('a token of the org without any npm role is told so (403), the same for existing and unknown names', async () => {
    const { token } = await makeToken(admin, ['pypi:read', 'api']);
    const ws = workspace(token);
    for (const name of ['@team/scoped-lib', 'no-such-lib']) {
      const install = await ws.run(['install', name], { cwd: ws.makeProject() });
      expect(install.code).not.toBe(0);
      expect(install.stderr).toContain('E403');
      expect(install.stderr).toContain('this token has no npm role in org "default"');
    }
    const publish = await ws.run(['publish'], { cwd: ws.makePackage('@team/scoped-lib', '2.0.2') });
    expect(publish.stderr).toContain('E403');
    expect(publish.stderr).toContain('has no npm role');
  });

  itSqliteOnly('package mode: only package roles count', async () => {
    const ws = workspace(writeToken);
    await ws.ok(['publish'], { cwd: ws.makePackage('mode-lib', '1.0.0') });
    expect((await admin.patch('/api/v1/orgs/default/packages/npm/mode-lib', { permissionMode: 'package' })).status).toBe(200);
    const standard = await ws.run(['install', 'mode-lib'], { cwd: ws.makeProject() });
    expect(standard.stderr).toContain('E404');
    const { token: pkgRead } = await makeToken(admin, ['npm:mode-lib:read']);
    const reader = workspace(pkgRead);
    const project = reader.makeProject();
    await reader.ok(['install', 'mode-lib'], { cwd: project });
    expect(installedVersion(project, 'mode-lib')).toBe('1.0.0');
    expect((await reader.run(['publish'], { cwd: reader.makePackage('mode-lib', '1.0.1') })).stderr).toContain('needs role npm:mode-lib:write');
    const { token: pkgWrite } = await makeToken(admin, ['npm:mode-lib:write']);
    const writer = workspace(pkgWrite);
    expect(await writer.ok(['publish'], { cwd: writer.makePackage('mode-lib', '1.0.1') })).toContain('+ mode-lib@1.0.1');
    // a package-mode token does not reach other packages
    expect((await writer.run(['view', 'demo-lib', 'version'])).code).toBe(0); // demo-lib is public now
    expect((await writer.run(['view', '@team/scoped-lib', 'version'])).stderr).toContain('E404');
  });

  itSqliteOnly('dist-tag add / ls / rm', async () => {
    const ws = workspace(writeToken);
    await ws.ok(['publish', '--tag', 'beta'], { cwd: ws.makePackage('demo-lib', '1.1.0-beta.1') });
    expect(await ws.ok(['dist-tag', 'ls', 'demo-lib'])).toBe('beta: 1.1.0-beta.1\nlatest: 1.0.0\n');
    await ws.ok(['dist-tag', 'add', 'demo-lib@1.1.0-beta.1', 'next']);
    expect(await ws.ok(['dist-tag', 'ls', 'demo-lib'])).toContain('next: 1.1.0-beta.1');
    await ws.ok(['dist-tag', 'rm', 'demo-lib', 'next']);
    expect(await ws.ok(['dist-tag', 'ls', 'demo-lib'])).not.toContain('next');
    const reader = workspace(readToken);
    const refused = await reader.run(['dist-tag', 'add', 'demo-lib@1.0.0', 'stable']);
    expect(refused.stderr).toContain('E403');
  });

  itSqliteOnly('deprecate and undeprecate', async () => {
    const ws = workspace(writeToken);
    await ws.ok(['deprecate', 'demo-lib@1.0.0', 'use 2.x']);
    expect(JSON.parse(await ws.ok(['view', 'demo-lib@1.0.0', 'deprecated', '--json']))).toBe('use 2.x');
    const project = ws.makeProject();
    const install = await ws.run(['install', 'demo-lib@1.0.0'], { cwd: project });
    expect(install.stderr).toContain('deprecated demo-lib@1.0.0: use 2.x');
    await ws.ok(['deprecate', 'demo-lib@1.0.0', '']);
    expect((await ws.ok(['view', 'demo-lib@1.0.0', 'deprecated'])).trim()).toBe('');
    expect((await workspace(readToken).run(['deprecate', 'demo-lib@1.0.0', 'nope'])).stderr).toContain('E403');
  });

  itSqliteOnly('unpublishes one version, then the whole package; read tokens may not', async () => {
    const ws = workspace(writeToken);
    await ws.ok(['publish'], { cwd: ws.makePackage('gone-lib', '1.0.0') });
    await ws.ok(['publish'], { cwd: ws.makePackage('gone-lib', '1.1.0') });
    expect((await workspace(readToken).run(['unpublish', 'gone-lib@1.1.0'])).stderr).toContain('E403');
    await ws.ok(['unpublish', 'gone-lib@1.1.0']);
    const view = JSON.parse(await ws.ok(['view', 'gone-lib', '--json']));
    expect(view.versions).toEqual(['1.0.0']);
    expect(view['dist-tags']).toEqual({ latest: '1.0.0' });
    expect((await ws.run(['install', 'gone-lib@1.1.0'], { cwd: ws.makeProject() })).code).not.toBe(0);
    await ws.ok(['unpublish', 'gone-lib', '--force']);
    expect((await ws.run(['view', 'gone-lib'])).stderr).toContain('E404');
    const packages = await admin.get('/api/v1/orgs/default/packages?type=npm');
    expect(packages.body.map((p: { name: string }) => p.name)).not.toContain('gone-lib');
  });

  itSqliteOnly('whoami, ping, search, audit', async () => {
    const ws = workspace(writeToken);
    expect((await ws.ok(['whoami'])).trim()).toBe('alice');
    expect((await workspace(undefined).run(['whoami'])).stderr).toMatch(/E401|ENEEDAUTH/);
    await ws.ok(['ping']);
    const found = JSON.parse(await ws.ok(['search', 'lib', '--json']));
    const names = found.map((entry: { name: string }) => entry.name).sort();
    expect(names).toEqual(expect.arrayContaining(['@team/scoped-lib', 'demo-lib']));
    expect(names).not.toContain('mode-lib'); // package mode: alice's npm:write does not count
    const project = ws.makeProject();
    await ws.ok(['install', 'demo-lib@1.0.0'], { cwd: project });
    expect(await ws.ok(['audit'], { cwd: project })).toContain('found 0 vulnerabilities');
  });

  itSqliteOnly('npm token create / list / revoke, and the new token works until revoked', async () => {
    const { token: manager } = await makeToken(admin, ['npm:write', 'api']);
    const ws = workspace(manager);
    const created = JSON.parse(await ws.ok(['token', 'create', '--password=unused', '--name=ci-token', '--json']));
    expect(created.token).toMatch(/^pgt_/);
    expect(created.readonly).toBe(false);
    const user = workspace(created.token);
    expect((await user.ok(['whoami'])).trim()).toBe('admin');
    expect(await user.ok(['publish'], { cwd: user.makePackage('token-lib', '1.0.0') })).toContain('+ token-lib@1.0.0');
    const list = await ws.ok(['token', 'list', '--json']);
    expect(list).not.toContain(created.token);
    const listed = JSON.parse(list) as { key: string; name: string; expires: string | null }[];
    const entry = listed.find((t) => t.name === 'ci-token')!;
    expect(entry).toBeDefined();
    // without --expires, one year, as through the REST API
    expect(Math.abs(new Date(entry.expires!).getTime() - (Date.now() + 365 * 86_400_000))).toBeLessThan(120_000);
    await ws.ok(['token', 'revoke', entry.key.slice(0, 8)]);
    const after = await user.run(['whoami']);
    expect(after.stderr).toContain('E401');
    expect(after.stderr).toContain('unknown or revoked token');
    // read-only tokens, and the api rule: an npm token without api cannot manage tokens
    const readonly = JSON.parse(await ws.ok(['token', 'create', '--password=x', '--packages-and-scopes-permission=read-only', '--json']));
    expect(readonly.readonly).toBe(true);
    expect((await workspace(readonly.token).run(['publish'], { cwd: ws.makePackage('token-lib', '1.0.1') })).stderr).toContain('E403');
    expect((await workspace(writeToken).run(['token', 'list'])).stderr).toContain('needs role api');
  });

  itSqliteOnly('npm login is answered with how to get a token', async () => {
    const res = await fetch(`${server.url}/default/npm/-/user/org.couchdb.user:alice`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'alice', password: 'alice-password-1' }) });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toContain('Create a token');
  });

  itSqliteOnly('records publishes and unpublishes in the audit trail, without secrets', async () => {
    const audit = await admin.get('/api/v1/orgs/default/audit?limit=500');
    expect(audit.status).toBe(200);
    const actions = audit.body.map((event: { action: string; resource: string }) => `${event.action} ${event.resource}`);
    expect(actions).toEqual(expect.arrayContaining(['npm.publish npm:demo-lib@1.0.0', 'npm.unpublish npm:gone-lib@1.1.0', 'npm.unpublish npm:gone-lib', 'npm.deprecate npm:demo-lib@1.0.0']));
    expect(audit.text).not.toMatch(/pgt_[A-Za-z0-9_-]{8,}/);
    expect(audit.text).not.toContain('alice-password-1');
  });
});
