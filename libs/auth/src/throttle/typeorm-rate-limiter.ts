import type { DataSource } from 'typeorm';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterStoreAbstract as StoreAbstractType } from 'rate-limiter-flexible';

// The store base class is not re-exported by the package index; its typings are.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RateLimiterStoreAbstract = require('rate-limiter-flexible/lib/RateLimiterStoreAbstract') as typeof StoreAbstractType;

export interface LimiterOptions {
  keyPrefix: string;
  points: number;
  /** Seconds a counter lives after its first point. */
  duration: number;
  /** Seconds a key stays blocked once it went over `points`. */
  blockDuration: number;
}

interface Row {
  points: number;
  expiresAt: number | null;
}

const TABLE = 'auth_throttle';

/**
 * A rate-limiter-flexible store on our own `auth_throttle` table (created by a migration), through
 * the application's TypeORM connection, so it works the same on SQLite and MySQL/MariaDB and every
 * node of an installation shares the counters. Each change is one atomic upsert statement.
 */
export class TypeOrmRateLimiter extends RateLimiterStoreAbstract {
  private readonly sqlite: boolean;

  constructor(
    options: LimiterOptions,
    private readonly dataSource: DataSource,
  ) {
    super({ ...options, storeClient: dataSource });
    this.sqlite = dataSource.options.type === 'better-sqlite3';
  }

  protected async _upsert(rlKey: string, points: number, msDuration: number, forceExpire = false): Promise<Row> {
    const now = Date.now();
    const expiresAt = msDuration > 0 ? now + msDuration : null;
    const force = forceExpire ? 1 : 0;
    if (Math.random() < 0.01) void this.dataSource.query(`DELETE FROM ${TABLE} WHERE expires_at IS NOT NULL AND expires_at <= ?`, [now]).catch(() => undefined);
    if (this.sqlite) {
      const rows = (await this.dataSource.query(
        `INSERT INTO ${TABLE} (throttle_key, points, expires_at) VALUES (?, ?, ?)
         ON CONFLICT(throttle_key) DO UPDATE SET
           points = CASE WHEN ? = 1 OR (${TABLE}.expires_at IS NOT NULL AND ${TABLE}.expires_at <= ?) THEN excluded.points ELSE ${TABLE}.points + excluded.points END,
           expires_at = CASE WHEN ? = 1 OR (${TABLE}.expires_at IS NOT NULL AND ${TABLE}.expires_at <= ?) THEN excluded.expires_at ELSE ${TABLE}.expires_at END
         RETURNING points, expires_at`,
        [rlKey, points, expiresAt, force, now, force, now],
      )) as { points: number; expires_at: number | null }[];
      return toRow(rows[0]);
    }
    // MySQL evaluates the assignments left to right: `expires_at` in the second one is still the old value.
    await this.dataSource.query(
      `INSERT INTO ${TABLE} (throttle_key, points, expires_at) VALUES (?, ?, ?)
       ON DUPLICATE KEY UPDATE
         points = IF(? = 1 OR (expires_at IS NOT NULL AND expires_at <= ?), VALUES(points), points + VALUES(points)),
         expires_at = IF(? = 1 OR (expires_at IS NOT NULL AND expires_at <= ?), VALUES(expires_at), expires_at)`,
      [rlKey, points, expiresAt, force, now, force, now],
    );
    const rows = (await this.dataSource.query(`SELECT points, expires_at FROM ${TABLE} WHERE throttle_key = ?`, [rlKey])) as { points: number; expires_at: number | null }[];
    return toRow(rows[0] ?? { points, expires_at: expiresAt });
  }

  protected async _get(rlKey: string): Promise<Row | null> {
    const rows = (await this.dataSource.query(`SELECT points, expires_at FROM ${TABLE} WHERE throttle_key = ? AND (expires_at IS NULL OR expires_at > ?)`, [
      rlKey,
      Date.now(),
    ])) as { points: number; expires_at: number | null }[];
    return rows[0] ? toRow(rows[0]) : null;
  }

  protected async _delete(rlKey: string): Promise<boolean> {
    await this.dataSource.query(`DELETE FROM ${TABLE} WHERE throttle_key = ?`, [rlKey]);
    return true;
  }

  protected _getRateLimiterRes(_rlKey: string, changedPoints: number, row: Row): RateLimiterRes {
    const isFirstInDuration = changedPoints === row.points;
    const consumed = row.points;
    return new RateLimiterRes(Math.max(this.points - consumed, 0), row.expiresAt ? Math.max(row.expiresAt - Date.now(), 0) : -1, consumed, isFirstInDuration);
  }
}

function toRow(raw: { points: number | string; expires_at: number | string | null }): Row {
  return { points: Number(raw.points), expiresAt: raw.expires_at == null ? null : Number(raw.expires_at) };
}
