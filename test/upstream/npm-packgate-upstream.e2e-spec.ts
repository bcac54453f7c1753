import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ApiClient, makeToken } from '../support/http';
import { TestServer, onDefaultDatabase, startServer } from '../support/server';
import { NpmWorkspace } from '../npm/npm-cli';

/**
 * A second Packgate instance as the npm upstream: its public packages install anonymously through
 * the first one; a private package of the upstream needs the upstream credentials configured on the
 * org (a token of the upstream as the Basic password), which are sent to the upstream's host only.
 */
onDefaultDatabase('npm upstream proxy (Packgate upstream)', (database) => {
  let upstreamServer: TestServer;
  let server: TestServer;
  let admin: ApiClient;
  let upstreamToken: string;
  let readToken: string;
  const workspaces: NpmWorkspace[] = [];
  const workspace = (target: TestServer, token?: string) => {
    const ws = new NpmWorkspace(target, token);
    workspaces.push(ws);
    return ws;
  };
  const installedVersion = (project: string, name: string) => JSON.parse(readFileSync(path.join(project, 'node_modules', name, 'package.json'), 'utf8')).version as string;

  beforeAll(async () => {
    upstreamServer = await startServer({ database });
    const upstreamAdmin = await ApiClient.login(upstreamServer);
    const publisher = workspace(upstreamServer, (await makeToken(upstreamAdmin, ['npm:write'])).token);
    await publisher.ok(['publish'], { cwd: publisher.makePackage('shared-lib', '1.0.0') });
    await publisher.ok(['publish'], { cwd: publisher.makePackage('@vendor/private-tool', '1.0.0', { dependencies: { 'shared-lib': '^1.0.0' } }) });
    expect((await upstreamAdmin.patch('/api/v1/orgs/default/packages/npm/shared-lib', { private: false })).status).toBe(200);
    upstreamToken = (await makeToken(upstreamAdmin, ['npm:read'])).token;

    server = await startServer({ database });
    admin = await ApiClient.login(server);
    readToken = (await makeToken(admin, ['npm:read'])).token;
  });
  afterAll(async () => {
    for (const ws of workspaces) ws.cleanup();
    await server?.close();
    await upstreamServer?.close();
  });

  it('installs the upstream public package through the org registry', async () => {
    expect((await admin.put('/api/v1/orgs/default/upstreams/npm', { url: `${upstreamServer.url}/default/npm/` })).status).toBeLessThan(300);
    const ws = workspace(server, readToken);
    const project = ws.makeProject();
    await ws.ok(['install', 'shared-lib'], { cwd: project });
    expect(installedVersion(project, 'shared-lib')).toBe('1.0.0');
    const lock = JSON.parse(readFileSync(path.join(project, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/shared-lib'].resolved).toBe(`${server.url}/default/npm/shared-lib/-/shared-lib-1.0.0.tgz`);

    // The upstream's private package: the upstream refuses us, the client gets 502 naming it.
    const refused = await ws.run(['install', '@vendor/private-tool'], { cwd: ws.makeProject() });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('E502');
    expect(refused.stderr).toContain(upstreamServer.host);
  });

  it('with upstream credentials (an upstream token as the Basic password) the upstream private package installs too', async () => {
    const put = await admin.put('/api/v1/orgs/default/upstreams/npm', { url: `${upstreamServer.url}/default/npm/`, username: '__token__', password: upstreamToken });
    expect(put.status).toBeLessThan(300);
    expect(put.text).not.toContain(upstreamToken);
    const ws = workspace(server, readToken);
    const project = ws.makeProject();
    await ws.ok(['install', '@vendor/private-tool'], { cwd: project });
    expect(installedVersion(project, '@vendor/private-tool')).toBe('1.0.0');
    expect(installedVersion(project, 'shared-lib')).toBe('1.0.0');
    expect((await admin.get(`/api/v1/orgs/default/packages/npm/${encodeURIComponent('@vendor/private-tool')}`)).body.source).toBe('upstream');
  });
});
