import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ApiClient, makeUser } from '../support/http';
import { TestServer, onDefaultDatabase, startServer } from '../support/server';
import { PYTHON, buildDist, runClient, tempDir } from '../pypi/support/clients';
import { cliEnvironment, packgate } from './cli-support';

/**
 * With real clients: a token derived by the CLI (`-e 30d -p pypi:demo-* --actions read`) and written
 * by `packgate configure pip|twine` lets pip pull demo-a, not other-pkg, and twine cannot push;
 * deleting the parent kills it.
 */
onDefaultDatabase('derived tokens with pip and twine', (database) => {
  let server: TestServer;
  let env: Record<string, string>;
  let home: string;

  const pip = (requirement: string, pipConf: string) =>
    runClient(PYTHON, ['-m', 'pip', 'download', '--no-deps', '-d', tempDir('packgate-cli-pip-'), requirement], {
      HOME: home,
      PIP_CONFIG_FILE: pipConf,
      PIP_NO_INPUT: '1',
      PIP_DISABLE_PIP_VERSION_CHECK: '1',
      PIP_NO_CACHE_DIR: '1',
    });

  beforeAll(async () => {
    server = await startServer({ database });
    const admin = await ApiClient.login(server);
    const bob = await makeUser(admin, `bob-${database}`, ['dashboard', 'pypi:write']);
    ({ env, home } = cliEnvironment(server.url, { PACKGATE_USERNAME: bob.username, PACKGATE_PASSWORD: bob.password }));
  });
  afterAll(() => server?.close());

  it('pulls only the allowed package, never pushes, and dies with its parent', async () => {
    const parentFile = path.join(home, 'parent.token');
    expect((await packgate(env, ['token', 'create', '-r', 'pypi:write', '--name', 'ci', '-f', parentFile, '-q'])).code).toBe(0);
    const parent = readFileSync(parentFile, 'utf8').trim();
    const demo = await buildDist('demo-a', '1.0.0');
    const other = await buildDist('other-pkg', '1.0.0');
    const twine = (files: string[], password: string) =>
      runClient('twine', ['upload', '--non-interactive', '--disable-progress-bar', '--repository-url', `${server.url}/default/pypi/`, '-u', '__token__', '-p', password, ...files]);
    expect((await twine([demo.wheel], parent)).code).toBe(0);
    expect((await twine([other.wheel], parent)).code).toBe(0);

    const childFile = path.join(home, 'child.token');
    const derived = await packgate(env, ['token', 'derive', '-f', parentFile, '-e', '30d', '-p', 'pypi:demo-*', '--actions', 'read', '--out', childFile, '-q']);
    expect(derived.code).toBe(0);
    const pipConf = path.join(home, 'pip.conf');
    expect((await packgate(env, ['configure', 'pip', '-f', childFile, '--path', pipConf, '-q'])).code).toBe(0);

    const allowed = await pip('demo-a', pipConf);
    expect(allowed.stderr + allowed.stdout).toMatch(/Saved .*demo_a-1\.0\.0-py3-none-any\.whl/);
    expect(allowed.code).toBe(0);
    const refused = await pip('other-pkg', pipConf);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/No matching distribution found for other-pkg/);

    // twine through the .pypirc that configure wrote, with the derived (read-only) token
    const pypirc = path.join(home, '.pypirc');
    expect((await packgate(env, ['configure', 'twine', '-f', childFile, '-q'])).code).toBe(0);
    const newer = await buildDist('demo-a', '1.1.0');
    const push = await runClient('twine', ['upload', '--non-interactive', '--disable-progress-bar', '--config-file', pypirc, '-r', 'packgate', newer.wheel], { HOME: home });
    expect(push.code).not.toBe(0);
    expect(push.stdout + push.stderr).toMatch(/403|401/);

    expect((await packgate(env, ['token', 'delete', '-f', childFile, '-q'])).code).toBe(0);
    const afterDelete = await pip('demo-a', pipConf);
    expect(afterDelete.code).not.toBe(0);
  });
});
