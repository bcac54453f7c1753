import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * Verdaccio as a public npm registry on loopback, started by the test as its own process with a
 * temporary config and storage (no uplinks: it knows only what the test publishes to it).
 * Anyone may read; publishing needs the user the harness creates (`token`).
 */
export interface VerdaccioUpstream {
  url: string;
  /** host:port, for .npmrc keys. */
  host: string;
  token: string;
  dir: string;
  /** Stops the process (an upstream outage); `cleanup` also removes its files. */
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startVerdaccio(timeoutMs = 60_000): Promise<VerdaccioUpstream> {
  const dir = mkdtempSync(path.join(tmpdir(), 'packgate-verdaccio-'));
  const config = path.join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      `storage: ${path.join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${path.join(dir, 'htpasswd')}`,
      '    max_users: 100',
      '    algorithm: sha1',
      'uplinks: {}',
      'packages:',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      '    unpublish: $authenticated',
      'log: { type: stdout, format: json, level: error }',
      'web: { enable: false }',
      'security: { api: { legacy: true } }',
      '',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [path.join(__dirname, 'verdaccio-child.js'), config], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`verdaccio did not start within ${timeoutMs} ms: ${output}`)), timeoutMs);
      const check = () => {
        const match = /listening (\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child.stdout!.on('data', check);
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`verdaccio exited before listening: ${output}`));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const url = `http://127.0.0.1:${port}`;
  const stop = async (proc: ChildProcess = child) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
  };
  try {
    const token = await createUser(url);
    return { url, host: `127.0.0.1:${port}`, token, dir, stop: () => stop(), cleanup: async () => { await stop(); rmSync(dir, { recursive: true, force: true }); } };
  } catch (error) {
    await stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Registers the publishing user over npm's legacy adduser call and returns its token. */
async function createUser(url: string): Promise<string> {
  const name = 'publisher';
  const res = await fetch(`${url}/-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: 'publisher-password-1', type: 'user', roles: [], date: new Date().toISOString() }),
  });
  const body = (await res.json()) as { token?: string };
  if (!res.ok || !body.token) throw new Error(`verdaccio adduser failed: ${res.status} ${JSON.stringify(body)}`);
  return body.token;
}

/**
 * Publishes a package to Verdaccio with the real npm CLI (its own userconfig and cache), so the
 * upstream holds what npmjs would: tarball, integrity, shasum, time.
 */
export async function publishToVerdaccio(upstream: VerdaccioUpstream, manifest: { name: string; version: string } & Record<string, unknown>): Promise<void> {
  const dir = mkdtempSync(path.join(upstream.dir, 'pkg-'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ description: `${manifest.name} from the public registry`, main: 'index.js', license: 'MIT', ...manifest }, null, 2));
  writeFileSync(path.join(dir, 'index.js'), `module.exports = ${JSON.stringify(`public ${manifest.name}@${manifest.version}`)};\n`);
  const rc = path.join(dir, '.npmrc-user');
  writeFileSync(rc, [`registry=${upstream.url}/`, `//${upstream.host}/:_authToken=${upstream.token}`, 'update-notifier=false', 'fund=false', 'audit=false', 'loglevel=warn', ''].join('\n'));
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  Object.assign(env, { HOME: dir, NPM_CONFIG_USERCONFIG: rc, NPM_CONFIG_CACHE: path.join(dir, 'cache') });
  await new Promise<void>((resolve, reject) => {
    execFile('npm', ['publish', '--access', 'public', '--tag', (manifest.tag as string | undefined) ?? 'latest'], { cwd: dir, env, timeout: 90_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`publishing ${manifest.name}@${manifest.version} to verdaccio failed: ${stderr}`)) : resolve(),
    );
  });
}
