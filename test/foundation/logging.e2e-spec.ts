import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const MAIN = path.resolve(__dirname, '../../dist/apps/api/src/main.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

describe('request logging (asynchronous writer)', () => {
  it('every request line reaches stdout whole, also when the server is stopped right after', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'packgate-log-'));
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', PACKGATE_DATA_DIR: dataDir, PACKGATE_LOG_LEVEL: 'info', PACKGATE_ADMIN_PASSWORD: 'log-test-password', DATABASE_URL: '' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 60_000);
        child.stdout.on('data', () => {
          if (output.includes('Packgate listening on')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const count = 300;
      const statuses = await Promise.all(
        Array.from({ length: count }, (_, i) => fetch(`http://127.0.0.1:${port}/healthz?n=${i}&token=pgt_secret${i}`).then((res) => res.arrayBuffer().then(() => res.status))),
      );
      expect(statuses.every((status) => status === 200)).toBe(true);
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
      const requestLines = output
        .split('\n')
        .filter((line) => line.includes('"req"'))
        .map((line) => JSON.parse(line) as { req: { url: string } });
      const seen = new Set(requestLines.map((line) => /[?&]n=(\d+)/.exec(line.req.url)?.[1]));
      expect(seen.size).toBe(count);
      expect(output).not.toContain('pgt_secret');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
