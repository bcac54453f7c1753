import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { NpmWorkspace } from '../npm/npm-cli';
import { ApiClient, makeUser } from '../support/http';
import { TestServer, onDefaultDatabase, startServer } from '../support/server';
import { cliEnvironment, packgate } from './cli-support';

/**
 * With the real npm CLI: a token derived offline by `packgate token derive -p 'npm:@acme/*'
 * --actions read` installs the allowed scope only, cannot publish, and dies with its parent.
 */
const installedVersion = (project: string, name: string) => (JSON.parse(readFileSync(path.join(project, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

onDefaultDatabase('derived tokens with npm', (database) => {
  let server: TestServer;
  let env: Record<string, string>;
  let home: string;

  beforeAll(async () => {
    server = await startServer({ database });
    const admin = await ApiClient.login(server);
    const carol = await makeUser(admin, `carol-${database}`, ['dashboard', 'npm:write']);
    ({ env, home } = cliEnvironment(server.url, { PACKGATE_USERNAME: carol.username, PACKGATE_PASSWORD: carol.password }));
  });
  afterAll(() => server?.close());

  it('installs only the allowed scope, never publishes, and dies with its parent', async () => {
    const parentFile = path.join(home, 'parent.token');
    expect((await packgate(env, ['token', 'create', '-r', 'npm:write', '--name', 'ci', '-f', parentFile, '-q'])).code).toBe(0);
    const ws = new NpmWorkspace(server, readFileSync(parentFile, 'utf8').trim());
    await ws.ok(['publish'], { cwd: ws.makePackage('@acme/allowed', '1.0.0') });
    await ws.ok(['publish'], { cwd: ws.makePackage('other-lib', '1.0.0') });

    const childFile = path.join(home, 'child.token');
    expect((await packgate(env, ['token', 'derive', '-f', parentFile, '-p', 'npm:@acme/*', '--actions', 'read', '-e', '1d', '--out', childFile, '-q'])).code).toBe(0);
    ws.useToken(readFileSync(childFile, 'utf8').trim());

    const project = ws.makeProject();
    await ws.ok(['install', '@acme/allowed'], { cwd: project });
    expect(installedVersion(project, '@acme/allowed')).toBe('1.0.0');
    const refused = await ws.run(['install', 'other-lib'], { cwd: project });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/E404|404 Not Found/);
    const publish = await ws.run(['publish'], { cwd: ws.makePackage('@acme/allowed', '1.1.0') });
    expect(publish.code).not.toBe(0);
    expect(publish.stderr).toMatch(/E403|403/);

    expect((await packgate(env, ['token', 'delete', '-f', parentFile, '-q'])).code).toBe(0);
    const afterDelete = await ws.run(['install', '@acme/allowed@1.0.0'], { cwd: ws.makeProject() });
    expect(afterDelete.code).not.toBe(0);
    expect(afterDelete.stderr).toMatch(/E401|401/);
  });
});
