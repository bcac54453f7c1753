import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** Runs a client tool asynchronously (the server under test lives in this process). */
export function run(command: string, args: string[], options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // the tool may exit before reading its input
      child.stdin.end(options.input);
    }
  });
}

export async function mustRun(command: string, args: string[], options: Parameters<typeof run>[2] = {}): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} → exit ${result.code}\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A multi-layer OCI image layout built offline with umoci: `<dir>:v1` with three layers
 * (one file each), so pushes exercise several blob uploads and pulls real unpacking.
 */
export async function buildImageLayout(dir: string, seed: string): Promise<string> {
  const layout = path.join(dir, 'layout');
  await mustRun('umoci', ['init', '--layout', layout]);
  await mustRun('umoci', ['new', '--image', `${layout}:v1`]);
  for (const index of [1, 2, 3]) {
    const file = path.join(dir, `file-${index}`);
    writeFileSync(file, `${seed} layer ${index} ${'x'.repeat(index * 1000)}\n`);
    await mustRun('umoci', ['insert', '--image', `${layout}:v1`, file, `/data/file-${index}`]);
  }
  await mustRun('umoci', ['config', '--image', `${layout}:v1`, '--config.cmd', '/bin/true']);
  return layout;
}
