import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../apps/api/src/app.factory';
import { loadConfig } from '../../apps/api/src/config/config';
import { MYSQL_ADMIN_URL, TestDatabase, createMysqlDatabase, dropMysqlDatabase, requireMysqlOrSkip, testDatabases } from './databases';

export interface TestServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** host:port, as docker/podman and .npmrc keys want it. */
  host: string;
  port: number;
  adminPassword: string;
  dataDir: string;
  database: TestDatabase;
  mysqlName?: string;
  app: NestExpressApplication;
  /** Stops the server; `keepData` leaves the data dir and database for a restart. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

export interface StartOptions {
  database?: TestDatabase;
  /** Extra environment (PACKGATE_* settings) for this server. */
  env?: Record<string, string>;
  /** Reuse a data directory (and, for MariaDB, a database) of an earlier server: a restart. */
  reuse?: TestServer;
}

export class DatabaseUnavailable extends Error {}

/**
 * Starts the real application (the same createApp as `npm start`) on a free loopback port with a
 * fresh data directory and, for MariaDB, a fresh database that is dropped on close.
 */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const database = options.database ?? 'sqlite';
  const dataDir = options.reuse?.dataDir ?? mkdtempSync(path.join(tmpdir(), 'packgate-test-'));
  const adminPassword = options.reuse?.adminPassword ?? `admin-${randomBytes(9).toString('base64url')}`;
  let mysqlName: string | undefined = options.reuse?.mysqlName;
  const env: Record<string, string> = {
    PACKGATE_DATA_DIR: dataDir,
    PACKGATE_ADMIN_PASSWORD: adminPassword,
    PACKGATE_LOG_LEVEL: process.env.PACKGATE_TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    ...options.env,
  };
  if (database === 'mysql') {
    if (!(await requireMysqlOrSkip())) throw new DatabaseUnavailable('MariaDB not reachable');
    if (mysqlName) env.DATABASE_URL = `${MYSQL_ADMIN_URL.replace(/\/+$/, '')}/${mysqlName}`;
    else {
      mysqlName = `packgate_test_${randomBytes(6).toString('hex')}`;
      env.DATABASE_URL = await createMysqlDatabase(mysqlName);
    }
  }
  const config = loadConfig(env);
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  // The public URL is only known once the port is; registries build absolute URLs from it.
  config.publicUrl = options.env?.PACKGATE_PUBLIC_URL ?? url;
  return {
    url,
    host: `127.0.0.1:${port}`,
    port,
    adminPassword,
    dataDir,
    database,
    mysqlName,
    app,
    async close(closeOptions) {
      // As the SIGTERM path does, with a short drain: connections still open a second after the
      // close began are closed rather than kept for the keep-alive timeout (75 s).
      const http = app.getHttpServer() as import('node:http').Server;
      const idle = setInterval(() => http.closeIdleConnections(), 50);
      const drain = setTimeout(() => http.closeAllConnections(), 1000);
      try {
        await app.close();
      } finally {
        clearInterval(idle);
        clearTimeout(drain);
      }
      if (closeOptions?.keepData) return;
      if (mysqlName) await dropMysqlDatabase(mysqlName);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * `describe` per database: runs the suite on SQLite and, when reachable (always in CI), MariaDB.
 */
export function forEachDatabase(title: string, suite: (database: TestDatabase) => void): void {
  const databases = testDatabases();
  if (databases.length === 0) {
    describe.skip(`${title} [not on this project's database]`, () => it.skip('skipped', () => undefined));
    return;
  }
  describe.each(databases)(`${title} [%s]`, (database) => suite(database));
}

/**
 * `describe` on SQLite only, for client suites: what pip, npm, yarn, poetry, skopeo… send and expect
 * does not depend on the database, and running each client twice doubled the test time. The
 * database work of the same routes runs on both databases in the HTTP suites (access, bad input,
 * uploads, faults) and in the per-database smoke tests that client suites keep (`itOnEveryDatabase`).
 */
export function onDefaultDatabase(title: string, suite: (database: TestDatabase) => void): void {
  if (!testDatabases().includes('sqlite')) {
    describe.skip(`${title} [not on this project's database]`, () => it.skip('skipped', () => undefined));
    return;
  }
  describe(`${title} [sqlite]`, () => suite('sqlite'));
}

/**
 * Inside `forEachDatabase`: the suite's client tests run on SQLite only (see `onDefaultDatabase`);
 * the tests given to `it` directly stay on every database as the suite's smoke test.
 */
export function itOnDefaultDatabase(database: TestDatabase): jest.It {
  return database === 'sqlite' ? it : it.skip;
}
