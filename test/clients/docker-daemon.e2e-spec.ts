import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ApiClient, makeToken } from '../support/http';
import { TestServer, onDefaultDatabase, startServer } from '../support/server';
import { cleanEnv, describeWithClient, missingTool, mustRun, mustRunSnippet, run, snippet, tempDir } from './support/clients';

/**
 * The docker CLI against a real daemon: a private dockerd (own socket, data root and exec root
 * under a temporary directory, vfs storage, no bridge or iptables) started for this file and
 * stopped after it. 127.0.0.0/8 is an insecure registry by default, so plain http works.
 * When dockerd cannot start here (not root, no kernel support) the suite is skipped with the
 * reason, in CI too.
 */
interface Daemon {
  reason?: string;
  host?: string;
  stop(): Promise<void>;
}

function startPrivateDockerd(): Daemon {
  const none: Daemon = { stop: async () => undefined };
  if (process.getuid?.() !== 0) return { ...none, reason: 'dockerd needs root' };
  if (spawnSync('dockerd', ['--version'], { env: cleanEnv() }).status !== 0) return { ...none, reason: 'dockerd is not installed (Debian package docker.io)' };
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-dockerd-'));
  const socket = path.join(dir, 'docker.sock');
  const log = openSync(path.join(dir, 'dockerd.log'), 'a');
  const child = spawn(
    'dockerd',
    [`--host=unix://${socket}`, `--data-root=${path.join(dir, 'data')}`, `--exec-root=${path.join(dir, 'exec')}`, `--pidfile=${path.join(dir, 'dockerd.pid')}`, '--iptables=false', '--ip6tables=false', '--bridge=none', '--storage-driver=vfs'],
    { detached: true, stdio: ['ignore', log, log], env: cleanEnv() },
  );
  closeSync(log);
  child.unref();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Wait (bounded) until the daemon answers on its socket.
  const ready = spawnSync('bash', ['-c', 'for _ in $(seq 1 120); do docker version >/dev/null 2>&1 && exit 0; [ -e /proc/$PID ] || exit 1; sleep 0.5; done; exit 1'], {
    env: cleanEnv({ DOCKER_HOST: `unix://${socket}`, PID: String(child.pid) }),
  });
  if (ready.status !== 0) {
    const tail = readFileSync(path.join(dir, 'dockerd.log'), 'utf8').trim().split('\n').slice(-3).join(' | ');
    void stop();
    return { ...none, reason: `dockerd did not start: ${tail.slice(0, 500)}` };
  }
  return { host: `unix://${socket}`, stop };
}

const cliMissing = missingTool('docker', ['--version']);
const daemon: Daemon = cliMissing ? { reason: 'no docker CLI', stop: async () => undefined } : startPrivateDockerd();
afterAll(() => daemon.stop());

describeWithClient('docker CLI', cliMissing, () => {
  describeWithClient(
    'docker with a daemon',
    daemon.reason,
    () => {
      onDefaultDatabase('docker login, push and pull', (database) => {
        let server: TestServer;
        let writer: string;
        let reader: string;
        let work: { dir: string; cleanup(): void };
        let env: Record<string, string>;

        beforeAll(async () => {
          server = await startServer({ database });
          const admin = await ApiClient.login(server);
          writer = (await makeToken(admin, ['docker:write'])).token;
          reader = (await makeToken(admin, ['docker:read'])).token;
          work = tempDir('packgate-docker-');
          env = { DOCKER_HOST: daemon.host!, DOCKER_CONFIG: path.join(work.dir, 'docker-config'), HOME: work.dir };
        });
        afterAll(async () => {
          if (env) await run('docker', ['image', 'prune', '-a', '-f'], { env });
          work?.cleanup();
          await server?.close();
        });

        const docker = (args: string[]) => run('docker', args, { env, timeoutMs: 180_000 });
        const login = (token: string) => mustRunSnippet(snippet(server, 'docker login', ['docker:write']), { env: { ...env, PACKGATE_TOKEN: token } });

        it('logs in with the dashboard snippet, pushes an image and pulls it back with a read-only token', async () => {
          expect(await login(writer)).toMatch(/Login Succeeded/);
          writeFileSync(path.join(work.dir, 'hello.txt'), 'hello from docker\n');
          await mustRun('tar', ['-C', work.dir, '-cf', path.join(work.dir, 'rootfs.tar'), 'hello.txt']);
          const image = `${server.host}/default/docker-app:v1`;
          await mustRun('docker', ['import', path.join(work.dir, 'rootfs.tar'), image], { env });
          const push = await docker(['push', image]);
          expect(push.stdout).toMatch(/v1: digest: sha256:[0-9a-f]{64}/);
          expect(push.code).toBe(0);

          expect((await docker(['rmi', image])).code).toBe(0);
          expect(await login(reader)).toMatch(/Login Succeeded/);
          const pull = await docker(['pull', image]);
          expect(pull.stdout).toMatch(/Downloaded newer image/);
          expect(pull.code).toBe(0);
          expect((await docker(['image', 'inspect', image])).code).toBe(0);
        });

        it('a read-only token cannot push; an anonymous pull of a private image says only "unauthorized"', async () => {
          expect(await login(reader)).toMatch(/Login Succeeded/);
          const other = `${server.host}/default/docker-denied:v1`;
          expect((await docker(['tag', `${server.host}/default/docker-app:v1`, other])).code).toBe(0);
          const denied = await docker(['push', other]);
          expect(denied.code).not.toBe(0);
          expect(denied.stderr + denied.stdout).toMatch(/denied|unauthorized/i);

          expect((await docker(['logout', server.host])).code).toBe(0);
          await docker(['rmi', `${server.host}/default/docker-app:v1`, other]);
          const anonymous = await docker(['pull', `${server.host}/default/docker-app:v1`]);
          expect(anonymous.code).not.toBe(0);
          expect(anonymous.stderr).toMatch(/unauthorized/);
        });
      });
    },
    { optionalInCi: true },
  );
});
