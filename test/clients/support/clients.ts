import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { clientSnippets } from '../../../apps/dashboard/src/features/tokens/snippets';
import type { TestServer } from '../../support/server';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const PACKGATE_CLI = path.join(REPO_ROOT, 'bin', 'packgate.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment a client runs in: this process's, without the `npm_*` / `pnpm_*` / `yarn_*`
 * variables that `npx jest` leaves behind (they are configuration to npm, pnpm and yarn).
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^(npm|pnpm|yarn|corepack)_/i.test(key)) env[key] = value;
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs a client asynchronously (the server under test lives in this process). */
export function run(command: string, args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: cleanEnv(options.env), stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}

export async function mustRun(command: string, args: string[], options: Parameters<typeof run>[2] = {}): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} → exit ${result.code}\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

/** Runs a snippet (shell text) with bash, as a user pasting it would. */
export function runSnippet(code: string, options: Parameters<typeof run>[2] = {}): Promise<RunResult> {
  return run('bash', ['-euo', 'pipefail', '-c', code], options);
}

export async function mustRunSnippet(code: string, options: Parameters<typeof run>[2] = {}): Promise<string> {
  const result = await runSnippet(code, options);
  if (result.code !== 0) throw new Error(`snippet failed (exit ${result.code}):\n${code}\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

/** The dashboard's snippet with this label for a token with `roles` on this server. */
export function snippet(server: TestServer, label: string, roles: string[], username = 'admin', org = 'default'): string {
  const found = clientSnippets({ publicUrl: server.url, org, username, roles }).find((s) => s.label === label);
  if (!found) throw new Error(`no dashboard snippet "${label}" for roles ${roles.join(',')}`);
  return found.code;
}

export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeFiles(dir: string, files: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/**
 * Why a client cannot run here (undefined when it can): `command args…` must exit 0.
 */
export function missingTool(command: string, args: string[] = ['--version']): string | undefined {
  const probe = spawnSync(command, args, { env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
  if (probe.error) return `${command} is not installed (${(probe.error as NodeJS.ErrnoException).code ?? probe.error.message})`;
  if (probe.status !== 0) return `${command} ${args.join(' ')} exited ${probe.status}: ${(probe.stderr || probe.stdout).trim().slice(0, 300)}`;
  return undefined;
}

/**
 * `describe` for a suite that needs a client. When the client is missing the suite is skipped
 * with the reason printed — except in CI (CI=true), where .ci/run installs every client and a
 * missing one is a failure, unless `optionalInCi` (dockerd, which a CI machine may not start).
 */
export function describeWithClient(title: string, missing: string | undefined, body: () => void, options: { optionalInCi?: boolean } = {}): void {
  if (!missing) {
    describe(title, body);
    return;
  }
  if (process.env.CI === 'true' && !options.optionalInCi) {
    describe(title, () => {
      it('has its client installed (CI installs it through .ci/run)', () => {
        throw new Error(`${title}: ${missing}`);
      });
    });
    return;
  }
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED ${title}: ${missing}`);
  describe.skip(title, body);
}
