import { createConnection } from 'mysql2/promise';

export type TestDatabase = 'sqlite' | 'mysql';

/** MariaDB/MySQL server used by the suites: root without password on 127.0.0.1 unless overridden. */
export const MYSQL_ADMIN_URL = process.env.PACKGATE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

let mysqlReachable: Promise<boolean> | undefined;

/**
 * Up to ~30 s of attempts: on a busy machine one connection attempt can time out while the server
 * is fine, and the answer is remembered for the whole run.
 */
async function probeMysql(): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  for (let attempt = 1; ; attempt++) {
    try {
      const connection = await createConnection({ uri: MYSQL_ADMIN_URL, connectTimeout: 5000 });
      await connection.end();
      return true;
    } catch (error) {
      const refused = (error as { code?: string }).code === 'ECONNREFUSED';
      if ((refused && process.env.CI !== 'true') || Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * attempt, 3000)));
    }
  }
}

/**
 * The databases a suite runs on: SQLite always, MariaDB when reachable. With CI=true MariaDB is
 * required: an unreachable server fails the run instead of skipping. `PACKGATE_TEST_DATABASES`
 * narrows the choice; the heavy suites' Jest projects (`e2e-sqlite`, `e2e-mysql`) narrow it to their
 * database, so the two databases of one heavy suite run in parallel workers.
 */
export function testDatabases(): TestDatabase[] {
  const chosen = (process.env.PACKGATE_TEST_DATABASES?.split(',') ?? ['sqlite', 'mysql']) as TestDatabase[];
  const project = process.env.PACKGATE_TEST_PROJECT_DATABASE as TestDatabase | undefined;
  return project ? chosen.filter((database) => database === project) : chosen;
}

export async function requireMysqlOrSkip(): Promise<boolean> {
  mysqlReachable ??= probeMysql();
  const reachable = await mysqlReachable;
  if (!reachable && process.env.CI === 'true') throw new Error(`MariaDB is required in CI but ${MYSQL_ADMIN_URL} is unreachable`);
  return reachable;
}

export async function createMysqlDatabase(name: string): Promise<string> {
  const connection = await createConnection({ uri: MYSQL_ADMIN_URL });
  await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await connection.end();
  return `${MYSQL_ADMIN_URL.replace(/\/+$/, '')}/${name}`;
}

export async function dropMysqlDatabase(name: string): Promise<void> {
  const connection = await createConnection({ uri: MYSQL_ADMIN_URL });
  await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await connection.end();
}
