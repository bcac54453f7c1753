import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { TestServer, onDefaultDatabase, startServer } from '../support/server';
import { buildImageLayout, mustRun, run, tempDir } from './support/tools';

/**
 * podman 4.3.1 (root, no service; storage, run root and auth file private to the test) and the
 * docker CLI 28 (`docker login` only: without a daemon it logs in client side — ping, token GET with
 * `client_id=docker&offline_token=true`, then `GET /v2/` with the Bearer token).
 */
onDefaultDatabase('podman and docker login', (database) => {
  let server: TestServer;
  let alice: { username: string; password: string };
  let token: string;
  let work: { dir: string; cleanup(): void };
  let podmanEnv: Record<string, string>;
  let podmanArgs: string[];

  beforeAll(async () => {
    server = await startServer({ database });
    const admin = await ApiClient.login(server);
    alice = await makeUser(admin, 'alice', ['dashboard', 'docker:write']);
    token = (await makeToken(await ApiClient.login(server, alice.username, alice.password), ['docker:write'])).token;
    work = tempDir('packgate-podman-');
    const layout = await buildImageLayout(work.dir, 'podman');
    // Own registries.conf: no search registries or mirrors from the host, this registry insecure (http).
    writeFileSync(path.join(work.dir, 'registries.conf'), `unqualified-search-registries = []\n[[registry]]\nlocation = "${server.host}"\ninsecure = true\n`);
    podmanEnv = { REGISTRY_AUTH_FILE: path.join(work.dir, 'auth.json'), DOCKER_CONFIG: path.join(work.dir, 'docker'), CONTAINERS_REGISTRIES_CONF: path.join(work.dir, 'registries.conf') };
    podmanArgs = ['--root', path.join(work.dir, 'storage'), '--runroot', path.join(work.dir, 'run'), '--storage-driver', 'vfs'];
    // Seed the registry with skopeo so podman has something to pull.
    await mustRun('skopeo', ['copy', '--dest-creds', `${alice.username}:${alice.password}`, '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${server.host}/default/app:v1`]);
  });
  afterAll(async () => {
    if (podmanArgs) await run('podman', [...podmanArgs, 'rmi', '-a', '-f'], { env: podmanEnv });
    work?.cleanup();
    await server?.close();
  });

  const podman = (args: string[], input?: string) => run('podman', [...podmanArgs, ...args], { env: podmanEnv, input, timeoutMs: 180_000 });

  it('podman login with a password, pull, push to another repository, logout', async () => {
    const login = await podman(['login', '--tls-verify=false', '-u', alice.username, '--password-stdin', server.host], alice.password);
    expect(login.stderr + login.stdout).toMatch(/Login Succeeded/);
    const pull = await podman(['pull', '--tls-verify=false', `${server.host}/default/app:v1`]);
    expect(pull.code).toBe(0);
    expect((await podman(['tag', `${server.host}/default/app:v1`, `${server.host}/default/copy:v2`])).code).toBe(0);
    const push = await podman(['push', '--tls-verify=false', `${server.host}/default/copy:v2`]);
    expect(push.code).toBe(0);
    const tags = JSON.parse(await mustRun('skopeo', ['list-tags', '--creds', `${alice.username}:${alice.password}`, '--tls-verify=false', `docker://${server.host}/default/copy`]));
    expect(tags.Tags).toEqual(['v2']);
    expect((await podman(['logout', server.host])).code).toBe(0);
  });

  it('podman login with an access token, and a wrong password is refused', async () => {
    const login = await podman(['login', '--tls-verify=false', '-u', 'token', '--password-stdin', server.host], token);
    expect(login.code).toBe(0);
    const pull = await podman(['pull', '--tls-verify=false', `${server.host}/default/copy:v2`]);
    expect(pull.code).toBe(0);
    await podman(['logout', server.host]);
    const wrong = await podman(['login', '--tls-verify=false', '-u', alice.username, '--password-stdin', server.host], 'not-the-password');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/invalid username\/password/i);
  });

  it('docker login (client side, no daemon) with a password and with a token', async () => {
    const dockerEnv = { DOCKER_CONFIG: path.join(work.dir, 'docker-cli'), DOCKER_HOST: `unix://${path.join(work.dir, 'no-daemon.sock')}` };
    const withPassword = await run('docker', ['login', server.host, '-u', alice.username, '--password-stdin'], { env: dockerEnv, input: alice.password });
    expect(withPassword.stdout + withPassword.stderr).toMatch(/Login Succeeded/);
    const withToken = await run('docker', ['login', server.host, '-u', 'ci', '--password-stdin'], { env: dockerEnv, input: token });
    expect(withToken.stdout + withToken.stderr).toMatch(/Login Succeeded/);
    const wrong = await run('docker', ['login', server.host, '-u', alice.username, '--password-stdin'], { env: dockerEnv, input: 'nope-nope-nope' });
    expect(wrong.code).not.toBe(0);
  });
});
