import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';

/** Settings read from the environment (README "Configuration"). */
export interface PackgateConfig {
  port: number;
  host: string;
  dataDir: string;
  database: { kind: 'sqlite'; file: string } | { kind: 'mysql'; url: string; flavor?: 'mysql' | 'mariadb' };
  /** Undefined: read or generate `<dataDir>/secret`. */
  secret?: string;
  adminPassword?: string;
  /** Absolute base URL clients use to reach this server, without a trailing slash. */
  publicUrl: string;
  logLevel: string;
  /** Upper bound of a JSON request body on the REST API. */
  restBodyLimit: string;
  /** How long a successful password check is remembered, in seconds. */
  passwordCacheSeconds: number;
  sessionHours: number;
  /** Largest file twine may upload (PACKGATE_PYPI_MAX_FILE_MB). */
  pypiMaxFileBytes: number;
  /** Largest npm publish body, JSON plus base64 tarball (PACKGATE_NPM_MAX_BODY). */
  npmMaxBodyBytes: number;
  /** Failed-password throttling (README "Security"). */
  auth: { maxFailures: number; maxFailuresPerAddress: number; windowSeconds: number; hashConcurrency: number };
  /** CIDRs of reverse proxies whose X-Forwarded-For / Forwarded headers name the client (PACKGATE_TRUSTED_PROXIES). */
  trustedProxies: string[];
  /** Longest token lifetime in days, installation admins excepted (PACKGATE_MAX_TOKEN_DAYS). */
  maxTokenDays: number;
  /** Staging files (partial uploads) older than this are reclaimed (PACKGATE_STAGING_GRACE_SECONDS). */
  stagingGraceSeconds: number;
  /** /readyz answers 503 below this much free space on the data disk (PACKGATE_MIN_FREE_DISK_MB). */
  minFreeDiskBytes: number;
  /** Longest drain of in-flight requests after SIGTERM/SIGINT (PACKGATE_SHUTDOWN_SECONDS). */
  shutdownSeconds: number;
  /** OIDC issuers trusted over plain http (PACKGATE_OIDC_INSECURE_ISSUERS, local testing only). */
  oidcInsecureIssuers: string[];
  /** Upstream proxy HTTP limits (PACKGATE_UPSTREAM_*). */
  upstream: { connectTimeoutSeconds: number; timeoutSeconds: number; maxDocumentBytes: number };
}

export class ConfigError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 8080;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new ConfigError(`PORT must be a number from 0 to 65535, got "${value}"`);
  return Number(value);
}

function parseDatabase(value: string | undefined, dataDir: string): PackgateConfig['database'] {
  if (value === undefined || value === '') return { kind: 'sqlite', file: path.join(dataDir, 'packgate.sqlite') };
  if (value.startsWith('sqlite:')) {
    const file = value.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!file) throw new ConfigError('DATABASE_URL sqlite:<path> needs a file path');
    return { kind: 'sqlite', file: path.resolve(file) };
  }
  if (value.startsWith('mysql://') || value.startsWith('mariadb://')) {
    try {
      const url = new URL(value.replace(/^mariadb:/, 'mysql:'));
      if (!url.pathname || url.pathname === '/') throw new ConfigError('DATABASE_URL must name a database, e.g. mysql://user:pass@host:3306/packgate');
      return { kind: 'mysql', url: url.toString() };
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError('DATABASE_URL is not a valid mysql:// URL');
    }
  }
  throw new ConfigError('DATABASE_URL must start with mysql://, mariadb:// or sqlite:');
}

function parsePublicUrl(value: string | undefined, port: number): string {
  const raw = value && value !== '' ? value : `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`PACKGATE_PUBLIC_URL must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('PACKGATE_PUBLIC_URL must use http or https');
  return url.toString().replace(/\/+$/, '');
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** A byte size: a count or `<n>kb|mb|gb`. */
export function parseSize(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = match ? SIZE_UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined || Number(match[1]) <= 0) throw new ConfigError(`${name} must be a size such as 64mb or 1048576, got "${value}"`);
  return Math.floor(Number(match[1]) * unit);
}

function parsePositive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new ConfigError(`${name} must be a non-negative number, got "${value}"`);
  return parsed;
}

function parseCount(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d{1,9}$/.test(value) || Number(value) < min) throw new ConfigError(`${name} must be a whole number ≥ ${min}, got "${value}"`);
  return Number(value);
}

/** `10.0.0.0/8, 192.168.1.7, ::1` → CIDRs (a bare address is /32 or /128). */
function parseCidrs(name: string, value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((entry) => {
    const [address, prefix, extra] = entry.trim().split('/');
    const family = isIP(address ?? '');
    const max = family === 6 ? 128 : 32;
    if (!family || extra !== undefined || (prefix !== undefined && (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max))) {
      throw new ConfigError(`${name} must be a comma-separated list of addresses or CIDRs (e.g. 10.0.0.0/8,::1), got "${entry.trim()}"`);
    }
    return `${address}/${prefix ?? max}`;
  });
}

/** A timeout: more than 0, at most an hour. */
function parseBoundedSeconds(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0 || parsed > 3600) throw new ConfigError(`${name} must be a number of seconds above 0 and at most 3600, got "${value}"`);
  return parsed;
}

function parseDays(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1) throw new ConfigError(`${name} must be a whole number of days from 1 to 99999, got "${value}"`);
  return Number(value);
}

function parseInsecureIssuers(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((item) => item.trim()).filter((item) => item !== '').map((item) => {
    let url: URL;
    try {
      url = new URL(item);
    } catch {
      throw new ConfigError(`PACKGATE_OIDC_INSECURE_ISSUERS must list absolute URLs, got "${item}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('PACKGATE_OIDC_INSECURE_ISSUERS must list http(s) URLs');
    return item.replace(/\/+$/, '');
  });
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): PackgateConfig {
  const port = parsePort(env.PORT);
  const dataDir = path.resolve(env.PACKGATE_DATA_DIR || './data');
  const secret = env.PACKGATE_SECRET || undefined;
  if (secret !== undefined && secret.length < 32) throw new ConfigError('PACKGATE_SECRET must be at least 32 characters long');
  const adminPassword = env.PACKGATE_ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && adminPassword.length < 8) throw new ConfigError('PACKGATE_ADMIN_PASSWORD must be at least 8 characters long');
  const logLevel = env.PACKGATE_LOG_LEVEL || env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`PACKGATE_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dataDir,
    database: parseDatabase(env.DATABASE_URL, dataDir),
    secret,
    adminPassword,
    publicUrl: parsePublicUrl(env.PACKGATE_PUBLIC_URL, port),
    logLevel,
    restBodyLimit: env.PACKGATE_REST_BODY_LIMIT || '1mb',
    passwordCacheSeconds: parsePositive('PACKGATE_PASSWORD_CACHE_SECONDS', env.PACKGATE_PASSWORD_CACHE_SECONDS, 60),
    sessionHours: parsePositive('PACKGATE_SESSION_HOURS', env.PACKGATE_SESSION_HOURS, 12),
    pypiMaxFileBytes: Math.floor(parsePositive('PACKGATE_PYPI_MAX_FILE_MB', env.PACKGATE_PYPI_MAX_FILE_MB, 512) * 1024 * 1024),
    npmMaxBodyBytes: parseSize('PACKGATE_NPM_MAX_BODY', env.PACKGATE_NPM_MAX_BODY, 64 * 1024 * 1024),
    auth: {
      maxFailures: parseCount('PACKGATE_AUTH_MAX_FAILURES', env.PACKGATE_AUTH_MAX_FAILURES, 5),
      maxFailuresPerAddress: parseCount('PACKGATE_AUTH_MAX_FAILURES_PER_ADDRESS', env.PACKGATE_AUTH_MAX_FAILURES_PER_ADDRESS, 10),
      windowSeconds: parseCount('PACKGATE_AUTH_WINDOW_SECONDS', env.PACKGATE_AUTH_WINDOW_SECONDS, 900, 1),
      hashConcurrency: parseCount('PACKGATE_AUTH_HASH_CONCURRENCY', env.PACKGATE_AUTH_HASH_CONCURRENCY, Math.max(1, Math.floor(availableParallelism() / 2)), 1),
    },
    trustedProxies: parseCidrs('PACKGATE_TRUSTED_PROXIES', env.PACKGATE_TRUSTED_PROXIES),
    maxTokenDays: parseDays('PACKGATE_MAX_TOKEN_DAYS', env.PACKGATE_MAX_TOKEN_DAYS, 365),
    stagingGraceSeconds: parsePositive('PACKGATE_STAGING_GRACE_SECONDS', env.PACKGATE_STAGING_GRACE_SECONDS, 3600),
    minFreeDiskBytes: Math.floor(parsePositive('PACKGATE_MIN_FREE_DISK_MB', env.PACKGATE_MIN_FREE_DISK_MB, 100) * 1024 * 1024),
    shutdownSeconds: parsePositive('PACKGATE_SHUTDOWN_SECONDS', env.PACKGATE_SHUTDOWN_SECONDS, 30),
    oidcInsecureIssuers: parseInsecureIssuers(env.PACKGATE_OIDC_INSECURE_ISSUERS),
    upstream: {
      connectTimeoutSeconds: parseBoundedSeconds('PACKGATE_UPSTREAM_CONNECT_TIMEOUT_SECONDS', env.PACKGATE_UPSTREAM_CONNECT_TIMEOUT_SECONDS, 5),
      timeoutSeconds: parseBoundedSeconds('PACKGATE_UPSTREAM_TIMEOUT_SECONDS', env.PACKGATE_UPSTREAM_TIMEOUT_SECONDS, 30),
      maxDocumentBytes: parseSize('PACKGATE_UPSTREAM_MAX_METADATA', env.PACKGATE_UPSTREAM_MAX_METADATA, 64 * 1024 * 1024),
    },
  };
}

/** The database URL with any password replaced, for logs. */
export function describeDatabase(config: PackgateConfig): string {
  if (config.database.kind === 'sqlite') return `sqlite:${config.database.file}`;
  const url = new URL(config.database.url);
  if (url.password) url.password = '***';
  return url.toString();
}
