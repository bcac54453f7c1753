import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { PackgateConfig } from '../config/config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/**
 * TypeORM options for the configured database. Migrations run at start; `synchronize` is never
 * used, tests included.
 */
export function dataSourceOptions(config: PackgateConfig): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, migrationsRun: true, synchronize: false, logging: false } as const;
  if (config.database.kind === 'sqlite') {
    fs.mkdirSync(path.dirname(config.database.file), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: config.database.file,
      enableWAL: true,
      prepareDatabase: (db: { pragma(statement: string): unknown }) => {
        db.pragma('busy_timeout = 5000');
        db.pragma('foreign_keys = ON');
        db.pragma('synchronous = NORMAL');
      },
    };
  }
  return { ...common, type: config.database.flavor ?? 'mysql', url: config.database.url, timezone: 'Z', charset: 'utf8mb4_unicode_ci', supportBigNumbers: true, extra: { connectionLimit: 20 } };
}

/**
 * MariaDB and MySQL report column metadata differently; TypeORM needs to know which one it talks
 * to (type 'mariadb' vs 'mysql') to read the schema back correctly.
 */
export async function detectMysqlFlavor(url: string): Promise<'mysql' | 'mariadb'> {
  const { createConnection } = await import('mysql2/promise');
  const connection = await createConnection({ uri: url, connectTimeout: 10_000 });
  try {
    const [rows] = await connection.query('SELECT VERSION() AS version');
    return /mariadb/i.test(String((rows as { version: string }[])[0]?.version)) ? 'mariadb' : 'mysql';
  } finally {
    await connection.end();
  }
}
