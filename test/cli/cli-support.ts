import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** Runs the packgate CLI and other clients asynchronously (the server under test lives in this process). */

export const CLI = path.join(__dirname, '..', '..', 'bin', 'packgate.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(file: string, args: string[], options: { env?: Record<string, string | undefined>; input?: string; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { env: options.env as NodeJS.ProcessEnv, cwd: options.cwd, timeout: 60_000, maxBuffer: 10 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.end(options.input ?? '');
  });
}

/** A fresh HOME and an environment without any PACKGATE_* settings from the outside. */
export function cliEnvironment(serverUrl: string, extra: Record<string, string> = {}): { home: string; env: Record<string, string> } {
  const home = mkdtempSync(path.join(tmpdir(), 'packgate-cli-home-'));
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, PACKGATE_URL: serverUrl, LANG: 'C.UTF-8', ...extra };
  return { home, env };
}

export function packgate(env: Record<string, string>, args: string[], input?: string): Promise<RunResult> {
  return run(process.execPath, [CLI, ...args], { env, input });
}

/** Debian's python3 (it has python3-pymacaroons; the pyenv python3 does not). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** Parses XML with python's xml.etree and returns what the script prints. */
export function pythonXml(script: string, xml: string): Promise<RunResult> {
  return run(SYSTEM_PYTHON, ['-c', `import sys, json, xml.etree.ElementTree as ET\nroot = ET.fromstring(sys.stdin.buffer.read())\n${script}`], { input: xml, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
}
