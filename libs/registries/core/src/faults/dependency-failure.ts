/**
 * Tells apart failures of what the server depends on (database, disk) from bugs, so every wire
 * format can answer them the same way: 503 with Retry-After while a dependency is unreachable (the
 * client should retry; nothing is wrong with its request), 507 when the disk or the database file
 * is full. Anything not recognised here stays an internal error.
 */
export interface DependencyFailure {
  status: 503 | 507;
  /** Safe for clients: never the driver's message (it may name hosts or users). */
  message: string;
  /** Seconds, for the Retry-After header of a 503. */
  retryAfter?: number;
}

export const RETRY_AFTER_SECONDS = 5;

const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL', 'ER_RECORD_FILE_FULL', 'ER_DISK_FULL']);

const OUTAGE_CODES = new Set([
  // network and mysql2 connection state
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'POOL_CLOSED',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_LOCK_WAIT_TIMEOUT',
  // SQLite: another writer holds the file, or the file cannot be opened or written
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  // file system
  'EMFILE',
  'ENFILE',
  'EIO',
  // blob storage (S3) unreachable or refusing: storage/s3/s3-errors.ts
  'BLOB_STORE_UNAVAILABLE',
]);

const OUTAGE_MESSAGES = [
  /^Pool is closed/,
  /^Connection lost/,
  /Can't add new command when connection is in closed state/,
  /Queue limit reached/,
  // ioredis, while Redis is unreachable
  /^Connection is closed\.$/,
  /^Stream isn't writeable and enableOfflineQueue options is false/,
  /^Reached the max retries per request limit/,
  /^Command timed out$/,
];

/** The driver-level error below TypeORM's wrappers (`driverError`) and `cause` chains. */
function* layers(error: unknown): Iterable<{ code?: unknown; message?: unknown; errno?: unknown }> {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    yield current as { code?: unknown; message?: unknown };
    const next = (current as { driverError?: unknown }).driverError ?? (current as { cause?: unknown }).cause;
    if (next === current) break;
    current = next;
  }
}

export function classifyDependencyFailure(error: unknown): DependencyFailure | undefined {
  for (const layer of layers(error)) {
    const code = typeof layer.code === 'string' ? layer.code : undefined;
    if (code) {
      const base = code.startsWith('SQLITE_') ? code.replace(/^(SQLITE_[A-Z]+)_.*$/, '$1') : code;
      if (FULL_CODES.has(code) || FULL_CODES.has(base)) return { status: 507, message: 'insufficient storage: the server has no space left for this request' };
      if (OUTAGE_CODES.has(code) || OUTAGE_CODES.has(base)) {
        return { status: 503, message: 'service temporarily unavailable: a storage dependency is unreachable, retry later', retryAfter: RETRY_AFTER_SECONDS };
      }
    }
    const message = typeof layer.message === 'string' ? layer.message : '';
    if (OUTAGE_MESSAGES.some((pattern) => pattern.test(message))) {
      return { status: 503, message: 'service temporarily unavailable: a storage dependency is unreachable, retry later', retryAfter: RETRY_AFTER_SECONDS };
    }
  }
  return undefined;
}
