import { ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { mustRun, tempDir } from '../../docker/support/tools';

/**
 * Debian's `docker-registry` (CNCF distribution 2.8) as an upstream on loopback: storage in a temp
 * dir, `http.addr: 127.0.0.1:0` (the port it picked is read from its "listening on" log line),
 * optionally `auth.htpasswd` with one bcrypt user (made with python3's crypt module, which ships
 * with Debian's python3; no htpasswd binary needed).
 */
export interface DockerRegistry {
  url: string;
  host: string;
  credentials: { username: string; password: string } | null;
  /** Stops the process (SIGTERM, then waits for it); the data stays until `cleanup`. */
  stop(): Promise<void>;
  /** Stops it and removes its files. */
  cleanup(): Promise<void>;
}

export async function startDockerRegistry(options: { htpasswd?: { username: string; password: string } } = {}): Promise<DockerRegistry> {
  const work = tempDir('packgate-upstream-registry-');
  const lines = ['version: 0.1', 'log:', '  level: info', 'storage:', '  filesystem:', `    rootdirectory: ${path.join(work.dir, 'data')}`, '  delete:', '    enabled: true', 'http:', '  addr: 127.0.0.1:0'];
  if (options.htpasswd) {
    const hash = (await mustRun('/usr/bin/python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.stdin.read(), crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))'], { input: options.htpasswd.password })).trim();
    if (!hash.startsWith('$2')) throw new Error(`python3 crypt did not give a bcrypt hash: ${hash.slice(0, 10)}`);
    writeFileSync(path.join(work.dir, 'htpasswd'), `${options.htpasswd.username}:${hash}\n`);
    lines.push('auth:', '  htpasswd:', '    realm: upstream-test', `    path: ${path.join(work.dir, 'htpasswd')}`);
  }
  const config = path.join(work.dir, 'config.yml');
  writeFileSync(config, `${lines.join('\n')}\n`);
  const child = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let port: number;
  try {
    port = await listeningPort(child, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    work.cleanup();
    throw error;
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    child.kill('SIGTERM');
    await exited;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    credentials: options.htpasswd ?? null,
    stop,
    async cleanup() {
      await stop();
      work.cleanup();
    },
  };
}

/** Resolves with the port of distribution's "listening on 127.0.0.1:<port>" line; bounded. */
function listeningPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`docker-registry did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        child.stdout!.resume();
        child.stderr!.resume();
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`docker-registry exited (${code}) before listening:\n${output}`));
    });
  });
}

/** Copies an OCI layout image into the registry with skopeo (credentials when it has htpasswd). */
export async function seedImage(registry: DockerRegistry, layout: string, destination: string): Promise<void> {
  const creds = registry.credentials ? ['--dest-creds', `${registry.credentials.username}:${registry.credentials.password}`] : [];
  await mustRun('skopeo', ['copy', '--dest-tls-verify=false', ...creds, `oci:${layout}`, `docker://${registry.host}/${destination}`]);
}
