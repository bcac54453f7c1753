import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TestServer } from '../support/server';

export interface NpmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real npm CLI against a test server, asynchronously (the server lives in this process).
 * Each workspace has its own .npmrc (NPM_CONFIG_USERCONFIG), HOME and a cache dir that `fresh()`
 * empties, so npm's integrity-keyed cache never hides a download.
 */
export class NpmWorkspace {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'packgate-npm-'));
  private cacheRound = 0;

  constructor(
    readonly server: TestServer,
    private token?: string,
    readonly org = 'default',
    private extraRc: string[] = [],
  ) {
    this.writeNpmrc();
  }

  get registry(): string {
    return `${this.server.url}/${this.org}/npm/`;
  }

  get npmrc(): string {
    return path.join(this.dir, '.npmrc');
  }

  /** Replaces the credentials line (a token, Basic `_auth`, or nothing). */
  useToken(token: string | undefined, extra: string[] = []): this {
    this.token = token;
    this.extraRc = extra;
    this.writeNpmrc();
    return this;
  }

  private writeNpmrc(): void {
    const key = `//${this.server.host}/${this.org}/npm/`;
    const lines = [`registry=${this.registry}`, 'update-notifier=false', 'fund=false', 'audit=false', 'loglevel=warn', 'fetch-retries=0', ...this.extraRc];
    if (this.token) lines.push(`${key}:_authToken=${this.token}`);
    writeFileSync(this.npmrc, lines.join('\n') + '\n');
  }

  /** A package directory with package.json (and an index.js), ready for `npm publish`. */
  makePackage(name: string, version: string, extra: Record<string, unknown> = {}, files: Record<string, string | Buffer> = {}): string {
    const dir = path.join(this.dir, 'src', `${name.replace(/[@/]/g, '_')}-${version}-${Math.random().toString(36).slice(2, 6)}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version, description: `${name} test package`, main: 'index.js', license: 'MIT', ...extra }, null, 2));
    writeFileSync(path.join(dir, 'index.js'), `module.exports = ${JSON.stringify(`${name}@${version}`)};\n`);
    writeFileSync(path.join(dir, 'README.md'), `# ${name}\n`);
    for (const [file, content] of Object.entries(files)) writeFileSync(path.join(dir, file), content);
    return dir;
  }

  /** An empty project to install into. */
  makeProject(): string {
    const dir = path.join(this.dir, 'app', Math.random().toString(36).slice(2, 8));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    return dir;
  }

  run(args: string[], options: { cwd?: string; timeoutMs?: number; freshCache?: boolean } = {}): Promise<NpmResult> {
    const cache = path.join(this.dir, `cache-${options.freshCache === false ? this.cacheRound : ++this.cacheRound}`);
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
    Object.assign(env, { HOME: this.dir, NPM_CONFIG_USERCONFIG: this.npmrc, NPM_CONFIG_CACHE: cache, NO_COLOR: '1', NPM_CONFIG_UPDATE_NOTIFIER: 'false' });
    return new Promise((resolve) => {
      execFile('npm', args, { cwd: options.cwd ?? this.dir, env, timeout: options.timeoutMs ?? 90_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
    });
  }

  async ok(args: string[], options: { cwd?: string; freshCache?: boolean } = {}): Promise<string> {
    const result = await this.run(args, options);
    if (result.code !== 0) throw new Error(`npm ${args.join(' ')} failed (${result.code}):\n${result.stderr}\n${result.stdout}`);
    return result.stdout;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
