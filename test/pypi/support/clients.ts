import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { TestServer } from '../../support/server';

const run = promisify(execFile);

/**
 * The python3 interpreter itself, not a version manager's shim in front of it: pyenv's shim adds
 * about 0.3 s to every call, and the suites make hundreds.
 */
export const PYTHON = (() => {
  try {
    return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim() || 'python3';
  } catch {
    return 'python3';
  }
})();

export interface ClientResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a real client asynchronously (the server lives in this process). */
export async function runClient(command: string, args: string[], env: Record<string, string> = {}): Promise<ClientResult> {
  try {
    const { stdout, stderr } = await run(command, args, { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env }, maxBuffer: 16 * 1024 * 1024, timeout: 90_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

export function tempDir(prefix = 'packgate-pypi-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export interface BuiltDist {
  wheel: string;
  sdist: string;
}

/** A tiny wheel + sdist built with the standard library (test/pypi/support/build_dist.py). */
export async function buildDist(name: string, version: string, options: { requires?: string[]; requiresPython?: string; payloadKb?: number } = {}): Promise<BuiltDist> {
  const out = tempDir('packgate-dist-');
  const args = [path.join(__dirname, 'build_dist.py'), out, name, version];
  for (const dep of options.requires ?? []) args.push('--requires', dep);
  if (options.requiresPython) args.push('--requires-python', options.requiresPython);
  if (options.payloadKb) args.push('--payload-kb', String(options.payloadKb));
  const result = await runClient(PYTHON, args);
  if (result.code !== 0) throw new Error(`build_dist failed: ${result.stderr}`);
  const [wheel, sdist] = result.stdout.trim().split('\n');
  return { wheel, sdist };
}

/** `twine upload` against /{org}/pypi/ with the given Basic credentials. */
export function twineUpload(server: TestServer, files: string[], username: string, password: string, options: { org?: string; extra?: string[] } = {}): Promise<ClientResult> {
  return runClient(
    'twine',
    ['upload', '--non-interactive', '--disable-progress-bar', '--repository-url', `${server.url}/${options.org ?? 'default'}/pypi/`, '-u', username, '-p', password, ...(options.extra ?? []), ...files],
    { TWINE_NON_INTERACTIVE: '1' },
  );
}

/** The index URL pip gets, with optional userinfo. */
export function indexUrl(server: TestServer, credentials?: { username: string; password?: string }, org = 'default'): string {
  const userinfo = credentials
    ? `${encodeURIComponent(credentials.username)}${credentials.password !== undefined ? `:${encodeURIComponent(credentials.password)}` : ''}@`
    : '';
  return `http://${userinfo}${server.host}/${org}/pypi/simple/`;
}

const PIP_FLAGS = ['--isolated', '--no-input', '--disable-pip-version-check', '--no-cache-dir'];

/** `pip install --target` into a fresh directory; returns the result and the directory. */
export async function pipInstall(index: string, requirements: string[], extra: string[] = []): Promise<ClientResult & { target: string }> {
  const target = tempDir('packgate-pip-target-');
  const result = await runClient(PYTHON, ['-m', 'pip', 'install', ...PIP_FLAGS, '--index-url', index, '--target', target, ...extra, ...requirements]);
  return { ...result, target };
}

export async function pipDownload(index: string, requirements: string[], extra: string[] = []): Promise<ClientResult & { dest: string }> {
  const dest = tempDir('packgate-pip-dl-');
  const result = await runClient(PYTHON, ['-m', 'pip', 'download', ...PIP_FLAGS, '--index-url', index, '-d', dest, ...extra, ...requirements]);
  return { ...result, dest };
}

/** A multipart/form-data body built by hand, for malformed and hostile uploads. */
export function multipartBody(fields: [string, string][], file?: { filename: string; data: Buffer; field?: string }, boundary = `----packgate${Math.random().toString(16).slice(2)}`): { body: Buffer; contentType: string } {
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'content'}"; filename="${file.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    parts.push(file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
