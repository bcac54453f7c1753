import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { pendingSchemaChanges } from '../../apps/api/src/database/schema-check';
import { ApiClient, makeUser } from '../support/http';
import { forEachDatabase, startServer } from '../support/server';

const MAIN = path.resolve(__dirname, '../../dist/apps/api/src/main.js');
const run = promisify(execFile);

describe('npm start (the built server)', () => {
  it('fails on invalid configuration with one clear line', async () => {
    for (const env of [{ PORT: 'abc' }, { DATABASE_URL: 'postgres://nope' }, { PACKGATE_SECRET: 'tiny' }]) {
      const error = await run(process.execPath, [MAIN], { env: { ...process.env, ...env } }).then(
        () => undefined,
        (e: { code: number; stderr: string }) => e,
      );
      expect(error?.code).toBe(1);
      const lines = error!.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^packgate: invalid configuration: /);
    }
  });

  it('creates admin with a one-time password on first start, keeps data on restart', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'packgate-start-'));
    const children: ReturnType<typeof spawn>[] = [];
    const start = () =>
      new Promise<{ output: string; url: string; stop: () => Promise<void> }>((resolve, reject) => {
        const child = spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: '0', HOST: '127.0.0.1', PACKGATE_DATA_DIR: dataDir, PACKGATE_LOG_LEVEL: 'info', PACKGATE_ADMIN_PASSWORD: '' } });
        children.push(child);
        let output = '';
        const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 30_000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const listening = /listening on (http:\/\/\S+)/.exec(output);
          if (listening) {
            clearTimeout(timer);
            resolve({
              output,
              url: '',
              stop: () =>
                new Promise((done) => {
                  child.once('exit', () => done());
                  child.kill('SIGTERM');
                }),
            });
          }
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      });
    try {
      const first = await start();
      const password = /one-time password:[\s|]+(\S+)/.exec(first.output)?.[1];
      expect(password).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      // Route mapping is debug chatter; the framed banner is the last thing before "listening".
      expect(first.output).not.toMatch(/Mapped \{/);
      const afterBanner = first.output.slice(first.output.lastIndexOf('+-'));
      expect(afterBanner.split('\n').filter((line) => line.trim() !== '').slice(1, 2)[0]).toMatch(/^Packgate listening on /);
      expect(statSync(path.join(dataDir, 'secret')).mode & 0o777).toBe(0o600);
      await first.stop();
      const second = await start();
      expect(second.output).not.toContain('one-time password');
      await second.stop();
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

forEachDatabase('schema and credentials', (database) => {
  it('migrations and entities agree (nothing left to synchronize)', async () => {
    const server = await startServer({ database });
    try {
      expect(await pendingSchemaChanges(server.app.get(DataSource))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('a changed password or a disabled user is never served from the password cache', async () => {
    const server = await startServer({ database });
    try {
      const admin = await ApiClient.login(server);
      const erin = await makeUser(admin, 'erin', ['dashboard', 'pypi:read']);
      const basic = (password: string) => new ApiClient(server.url, { basic: [erin.username, password] });
      // Valid Basic credentials pass authentication and then meet the REST gate (403); invalid ones are 401.
      expect((await basic(erin.password).get('/api/v1/me')).status).toBe(403);
      expect((await basic(erin.password).get('/api/v1/me')).status).toBe(403);
      expect((await admin.patch('/api/v1/users/erin', { password: 'erin-new-password' })).status).toBe(200);
      expect((await basic(erin.password).get('/api/v1/me')).status).toBe(401);
      expect((await basic('erin-new-password').get('/api/v1/me')).status).toBe(403);
      expect((await admin.patch('/api/v1/users/erin', { disabled: true })).status).toBe(200);
      const disabled = await basic('erin-new-password').get('/api/v1/me');
      expect(disabled.status).toBe(401);
      expect(disabled.body.reasons).toEqual({ basic: 'invalid username or password' });
    } finally {
      await server.close();
    }
  });
});
