import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { attenuateToken } from '@packgate/auth';
import * as path from 'node:path';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { TestServer, forEachDatabase, itOnDefaultDatabase, startServer } from '../support/server';
import { NpmWorkspace } from '../npm/npm-cli';
import { VerdaccioUpstream, publishToVerdaccio, startVerdaccio } from './support/verdaccio-upstream';

/**
 * The npm upstream proxy with Verdaccio as the public registry and the real npm CLI: one
 * `registry=` line serves private and public packages; the dependency-confusion rules, each with a
 * public package of the same name on the upstream; writes never reach cached upstream packages;
 * anonymous reads off by default; the upstream stopped mid-way.
 */
forEachDatabase('npm upstream proxy (Verdaccio upstream)', (database) => {
  // The client flows run on SQLite; the tests given to `it` also run on MariaDB (see itOnDefaultDatabase).
  const itSqliteOnly = itOnDefaultDatabase(database);
  let upstream: VerdaccioUpstream;
  let server: TestServer;
  let admin: ApiClient;
  let writeToken: string;
  let readToken: string;
  const workspaces: NpmWorkspace[] = [];
  const workspace = (token?: string, org = 'default') => {
    const ws = new NpmWorkspace(server, token, org);
    workspaces.push(ws);
    return ws;
  };
  const installedVersion = (project: string, name: string) => JSON.parse(readFileSync(path.join(project, 'node_modules', name, 'package.json'), 'utf8')).version as string;
  const packument = (name: string, token: string | undefined, accept = 'application/json', org = 'default') =>
    fetch(`${server.url}/${org}/npm/${name.replace('/', '%2f')}`, { headers: { accept, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  const restPackage = (name: string, org = 'default') => admin.get(`/api/v1/orgs/${org}/packages/npm/${encodeURIComponent(name)}`);

  beforeAll(async () => {
    upstream = await startVerdaccio();
    await publishToVerdaccio(upstream, { name: 'pub-dep', version: '1.0.0' });
    await publishToVerdaccio(upstream, { name: 'pub-dep', version: '1.1.0' });
    await publishToVerdaccio(upstream, { name: '@pubscope/util', version: '2.0.0', dependencies: { 'pub-dep': '^1.0.0' } });
    // Same names as the org's private packages: none of these may ever be served by Packgate.
    await publishToVerdaccio(upstream, { name: 'private-lib', version: '99.0.0' });
    await publishToVerdaccio(upstream, { name: 'acme-internal', version: '99.0.0' });
    await publishToVerdaccio(upstream, { name: '@acme/secret', version: '99.0.0' });
    await publishToVerdaccio(upstream, { name: 'cached-later', version: '1.0.0' });
    await publishToVerdaccio(upstream, { name: 'anon-check', version: '1.0.0' });

    server = await startServer({ database });
    admin = await ApiClient.login(server);
    const alice = await makeUser(admin, 'alice', ['dashboard', 'npm:write']);
    const bob = await makeUser(admin, 'bob', ['dashboard', 'npm:read']);
    writeToken = (await makeToken(await ApiClient.login(server, alice.username, alice.password), ['npm:write'])).token;
    readToken = (await makeToken(await ApiClient.login(server, bob.username, bob.password), ['npm:read'])).token;
    const put = await admin.put('/api/v1/orgs/default/upstreams/npm', { url: `${upstream.url}/`, reserved: ['acme-*', '@acme/*'], metadataTtlSeconds: 300 });
    if (put.status !== 200 && put.status !== 201) throw new Error(`upstream setting: ${put.status} ${put.text}`);
  });
  afterAll(async () => {
    for (const ws of workspaces) ws.cleanup();
    await server?.close();
    await upstream?.cleanup();
  });

  it('installs a private package and its public dependencies with one registry= line and a token', async () => {
    const ws = workspace(writeToken);
    await ws.ok(['publish'], { cwd: ws.makePackage('@team/app-lib', '1.0.0', { dependencies: { '@pubscope/util': '^2.0.0', 'pub-dep': '^1.0.0' } }) });

    const reader = workspace(readToken);
    const project = reader.makeProject();
    await reader.ok(['install', '@team/app-lib', 'pub-dep@1.0.0'], { cwd: project });
    expect(installedVersion(project, '@team/app-lib')).toBe('1.0.0');
    expect(installedVersion(project, '@pubscope/util')).toBe('2.0.0');
    expect(installedVersion(project, 'pub-dep')).toBe('1.0.0');
    const lock = JSON.parse(readFileSync(path.join(project, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/@pubscope/util'].resolved).toBe(`${server.url}/default/npm/@pubscope/util/-/util-2.0.0.tgz`);
    expect(lock.packages['node_modules/pub-dep'].resolved).toBe(`${server.url}/default/npm/pub-dep/-/pub-dep-1.0.0.tgz`);
    expect(readFileSync(path.join(project, 'node_modules', 'pub-dep', 'index.js'), 'utf8')).toContain('public pub-dep@1.0.0');

    // Downloaded tarballs are stored as packages of source `upstream`.
    const cached = await restPackage('@pubscope/util');
    expect(cached.status).toBe(200);
    expect(cached.body).toMatchObject({ name: '@pubscope/util', source: 'upstream' });
    expect((await restPackage('@team/app-lib')).body.source).toBe('local');
  });

  itSqliteOnly('serves full and abbreviated documents with tarball URLs on Packgate, scoped names encoded either way', async () => {
    const full = await packument('@pubscope/util', readToken);
    expect(full.status).toBe(200);
    const doc = (await full.json()) as any;
    expect(doc.name).toBe('@pubscope/util');
    expect(doc.versions['2.0.0'].dist.tarball).toBe(`${server.url}/default/npm/@pubscope/util/-/util-2.0.0.tgz`);
    expect(doc.versions['2.0.0'].dist.integrity).toMatch(/^sha512-/);
    expect(JSON.stringify(doc)).not.toContain(upstream.host);

    const corgi = await fetch(`${server.url}/default/npm/@pubscope%2Futil`, { headers: { accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*', authorization: `Bearer ${readToken}` } });
    expect(corgi.status).toBe(200);
    expect(corgi.headers.get('content-type')).toContain('application/vnd.npm.install-v1+json');
    const short = (await corgi.json()) as any;
    expect(Object.keys(short).sort()).toEqual(['dist-tags', 'modified', 'name', 'versions']);
    expect(short.versions['2.0.0'].dependencies).toEqual({ 'pub-dep': '^1.0.0' });

    const view = JSON.parse(await workspace(readToken).ok(['view', 'pub-dep', '--json']));
    expect(view.versions).toEqual(['1.0.0', '1.1.0']);
    expect(view['dist-tags'].latest).toBe('1.1.0');
  });

  itSqliteOnly('a name the org publishes never looks upstream: its document shows only its own versions', async () => {
    const ws = workspace(writeToken);
    // The upstream's 99.0.0 does not make npm refuse to tag 1.0.0 latest: its pre-publish read sees only the org's packages.
    await ws.ok(['publish'], { cwd: ws.makePackage('private-lib', '1.0.0') });
    const view = JSON.parse(await ws.ok(['view', 'private-lib', '--json']));
    expect([view.versions].flat()).toEqual(['1.0.0']);
    expect(view['dist-tags']).toEqual({ latest: '1.0.0' });
    const project = ws.makeProject();
    await ws.ok(['install', 'private-lib'], { cwd: project });
    expect(installedVersion(project, 'private-lib')).toBe('1.0.0');
    const asked = await ws.run(['install', 'private-lib@99.0.0'], { cwd: ws.makeProject() });
    expect(asked.code).not.toBe(0);
    expect(asked.stderr).toContain('ETARGET');
  });

  itSqliteOnly('reserved names are never proxied, even before their first publish (404 saying why)', async () => {
    const ws = workspace(readToken);
    for (const name of ['acme-internal', '@acme/secret']) {
      const result = await ws.run(['install', name], { cwd: ws.makeProject() });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('E404');
      expect(result.stderr).toContain('reserved for private packages');
    }
    const res = await packument('acme-internal', readToken);
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).error).toContain('reserved for private packages');
    expect((await restPackage('acme-internal')).status).toBe(404);

    // The org may publish the reserved name; then it installs from Packgate only.
    const writer = workspace(writeToken);
    await writer.ok(['publish'], { cwd: writer.makePackage('acme-internal', '1.0.0') });
    const project = ws.makeProject();
    await ws.ok(['install', 'acme-internal'], { cwd: project });
    expect(installedVersion(project, 'acme-internal')).toBe('1.0.0');
  });

  it('publishing a name cached from the upstream is refused (409) until an org admin deletes the cached package', async () => {
    const reader = workspace(readToken);
    await reader.ok(['install', 'cached-later'], { cwd: reader.makeProject() });
    expect((await restPackage('cached-later')).body.source).toBe('upstream');

    const writer = workspace(writeToken);
    const refused = await writer.run(['publish'], { cwd: writer.makePackage('cached-later', '2.0.0') });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('E409');

    expect((await admin.delete('/api/v1/orgs/default/packages/npm/cached-later')).status).toBe(204);
    expect(await writer.ok(['publish'], { cwd: writer.makePackage('cached-later', '2.0.0') })).toContain('+ cached-later@2.0.0');
    const view = JSON.parse(await reader.ok(['view', 'cached-later', '--json']));
    expect([view.versions].flat()).toEqual(['2.0.0']);
    expect((await restPackage('cached-later')).body.source).toBe('local');
  });

  itSqliteOnly('writes never go upstream: dist-tags, deprecate and unpublish of a proxied name are refused', async () => {
    const writer = workspace(writeToken);
    const reader = workspace(readToken);
    await reader.ok(['install', 'pub-dep@1.0.0', '@pubscope/util'], { cwd: reader.makeProject() });
    expect(await writer.ok(['dist-tag', 'ls', 'pub-dep'])).toContain('latest: 1.1.0');
    const refusals = [
      await writer.run(['dist-tag', 'add', 'pub-dep@1.0.0', 'beta']),
      await writer.run(['deprecate', 'pub-dep@1.0.0', 'do not use']),
      await writer.run(['unpublish', 'pub-dep@1.0.0']),
      await writer.run(['unpublish', '@pubscope/util', '--force']),
    ];
    for (const refused of refusals) {
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('E409');
      expect(refused.stderr).toContain('is cached from the upstream registry');
    }
    // ...and an uncached upstream name is not found for writes.
    const uncached = await writer.run(['dist-tag', 'add', 'anon-check@1.0.0', 'beta']);
    expect(uncached.code).not.toBe(0);
    expect(uncached.stderr).toContain('E404');

    const upstreamDoc = (await (await fetch(`${upstream.url}/pub-dep`)).json()) as any;
    expect(upstreamDoc['dist-tags']).toEqual({ latest: '1.1.0' });
    expect(upstreamDoc.versions['1.0.0'].deprecated).toBeUndefined();
    expect((await restPackage('@pubscope/util')).status).toBe(200);
    const view = JSON.parse(await workspace(readToken).ok(['view', 'pub-dep', '--json']));
    expect(view.versions).toEqual(['1.0.0', '1.1.0']);
  });

  itSqliteOnly('anonymous reads of proxied packages are off by default, and the org switch turns them on for proxied names only', async () => {
    const anon = workspace(undefined);
    const result = await anon.run(['install', 'pub-dep'], { cwd: anon.makeProject() });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('E401');
    expect((await packument('anon-check', undefined)).status).toBe(401);
    expect((await fetch(`${server.url}/default/npm/pub-dep/-/pub-dep-1.0.0.tgz`)).status).toBe(401);
    // A token of another org reads nothing here, cached or not.
    expect((await admin.post('/api/v1/orgs', { slug: 'other' })).status).toBe(201);
    const { token } = await makeToken(admin, ['npm:read'], 'other');
    expect((await packument('pub-dep', token)).status).toBe(404);
    expect((await packument('anon-check', token)).status).toBe(404);
    // A token narrowed to other packages reads no proxied name either.
    const narrowed = attenuateToken(readToken, ['packages=npm:@team/*']);
    expect((await packument('pub-dep', narrowed)).status).toBe(404);
    expect((await packument('@team/app-lib', narrowed)).status).toBe(200);

    expect((await admin.put('/api/v1/orgs/default/upstream-policy', { anonymousReads: true })).status).toBe(200);
    const project = anon.makeProject();
    await anon.ok(['install', 'pub-dep@1.0.0'], { cwd: project });
    expect(installedVersion(project, 'pub-dep')).toBe('1.0.0');
    // Private packages stay private.
    const refused = await anon.run(['install', '@team/app-lib'], { cwd: anon.makeProject() });
    expect(refused.stderr).toContain('E401');
    expect((await admin.put('/api/v1/orgs/default/upstream-policy', { anonymousReads: false })).status).toBe(200);
    expect((await packument('pub-dep', undefined)).status).toBe(401);
  });

  itSqliteOnly('with the upstream stopped, cached packages still install (an expired document is served with a Warning); uncached names answer 502 naming the upstream', async () => {
    // Org `stale` keeps upstream documents for 0 s: every read asks the upstream again.
    expect((await admin.post('/api/v1/orgs', { slug: 'stale' })).status).toBe(201);
    expect((await admin.put('/api/v1/orgs/stale/upstreams/npm', { url: upstream.url, metadataTtlSeconds: 0 })).status).toBeLessThan(300);
    const staleToken = (await makeToken(admin, ['npm:read'], 'stale')).token;
    const staleWs = workspace(staleToken, 'stale');
    await staleWs.ok(['install', 'pub-dep@1.0.0'], { cwd: staleWs.makeProject() });
    expect((await packument('pub-dep', staleToken, 'application/json', 'stale')).headers.get('warning')).toBeNull();

    await upstream.stop();
    const ws = workspace(readToken);
    const project = ws.makeProject();
    await ws.ok(['install', 'pub-dep@1.0.0', '@pubscope/util'], { cwd: project });
    expect(installedVersion(project, 'pub-dep')).toBe('1.0.0');

    const stale = await packument('pub-dep', staleToken, 'application/json', 'stale');
    expect(stale.status).toBe(200);
    expect(stale.headers.get('warning')).toContain('110');
    const staleProject = staleWs.makeProject();
    await staleWs.ok(['install', 'pub-dep@1.0.0'], { cwd: staleProject });
    expect(installedVersion(staleProject, 'pub-dep')).toBe('1.0.0');

    // No packument cached at all (e.g. collected): the tarballs already downloaded still install.
    await server.app.get(DataSource).query(`DELETE FROM upstream_metadata`);
    const fromStore = await packument('pub-dep', readToken);
    expect(fromStore.status).toBe(200);
    expect(fromStore.headers.get('warning')).toContain('110');
    expect(Object.keys(((await fromStore.json()) as any).versions)).toEqual(['1.0.0']);
    const storeProject = ws.makeProject();
    await ws.ok(['install', 'pub-dep@1.0.0'], { cwd: storeProject });
    expect(installedVersion(storeProject, 'pub-dep')).toBe('1.0.0');

    const missing = await ws.run(['install', 'anon-check'], { cwd: ws.makeProject() });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('E502');
    expect(missing.stderr).toContain(upstream.host);
    // A tarball that was never downloaded cannot be served either.
    const notDownloaded = await fetch(`${server.url}/default/npm/pub-dep/-/pub-dep-1.1.0.tgz`, { headers: { authorization: `Bearer ${readToken}` } });
    expect(notDownloaded.status).toBe(502);
  });
});
