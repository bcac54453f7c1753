import type { DataSource, EntityManager } from 'typeorm';

export interface TransactionRetryOptions {
  /** Attempts in all (default 8). */
  attempts?: number;
  /** Further errors worth a fresh attempt, e.g. a duplicate key a concurrent writer won. */
  retryOn?: (error: unknown) => boolean;
}

const MYSQL_RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);
const MYSQL_RETRYABLE_ERRNO = new Set([1213, 1205]);

/** A deadlock or lock-wait timeout (MariaDB/MySQL), or a busy SQLite file: the transaction may simply be run again. */
export function isTransientTransactionError(error: unknown): boolean {
  for (const candidate of [error, (error as { driverError?: unknown })?.driverError]) {
    const { code, errno } = (candidate ?? {}) as { code?: unknown; errno?: unknown };
    if (typeof code === 'string' && (MYSQL_RETRYABLE.has(code) || code === 'SQLITE_BUSY')) return true;
    if (typeof errno === 'number' && MYSQL_RETRYABLE_ERRNO.has(errno)) return true;
  }
  return false;
}

export function isUniqueViolation(error: unknown): boolean {
  const text = String((error as { code?: string })?.code ?? '') + String((error as Error)?.message ?? '');
  return /UNIQUE|ER_DUP_ENTRY|Duplicate entry/i.test(text);
}

// TypeORM runs every SQLite transaction on one shared connection and nests concurrent ones as
// savepoints, so one request's ROLLBACK could undo another's committed work: run them one at a time.
const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();

function serialized<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const type = dataSource.options.type;
  if (type !== 'better-sqlite3' && type !== 'sqlite') return work();
  const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
  const run = previous.then(work, work);
  sqliteQueues.set(
    dataSource,
    run.catch(() => undefined),
  );
  return run;
}

/**
 * Runs `work` in a transaction, again (a bounded number of times, with a short random pause) when
 * the database resolved a lock conflict by aborting it. Every write transaction of the registries
 * goes through here.
 */
export async function withTransactionRetry<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>, options: TransactionRetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 8;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await serialized(dataSource, () => dataSource.transaction(work));
    } catch (error) {
      const retryable = isTransientTransactionError(error) || (options.retryOn?.(error) ?? false);
      if (!retryable || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 25 * attempt) + 1));
    }
  }
}

/** True on MariaDB/MySQL, where `SELECT … FOR UPDATE` is available (SQLite transactions are serialized instead). */
export function supportsRowLocks(dataSource: DataSource): boolean {
  const type = dataSource.options.type;
  return type === 'mysql' || type === 'mariadb';
}
