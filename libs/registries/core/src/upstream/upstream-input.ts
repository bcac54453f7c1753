import { isPackageType } from '@packgate/auth';
import type { PackageType } from '@packgate/auth';
import { InvalidInputError } from '../errors';
import { normalizePypiName } from '../names';

export const UPSTREAM_TTL_MIN_SECONDS = 0;
export const UPSTREAM_TTL_MAX_SECONDS = 7 * 24 * 3600;
export const MAX_RESERVED_PATTERNS = 100;
const PATTERN = /^[a-z0-9@/._*~-]{1,214}$/;
const PREFIX = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export interface UpstreamInput {
  url: string;
  reserved?: string[];
  metadataTtlSeconds?: number;
  prefix?: string | null;
  username?: string;
  password?: string;
  /** Drop stored credentials (when no new ones are given). */
  clearCredentials?: boolean;
}

export interface ValidUpstreamInput {
  type: PackageType;
  url: string;
  reserved: string[];
  metadataTtlSeconds: number;
  prefix: string | null;
  credentials: { username: string; password: string } | null | 'keep';
}

export const DEFAULT_METADATA_TTL_SECONDS = 300;

/** A reserved glob as it is matched: lower case; PEP 503-normalized for PyPI (`Acme_*` → `acme-*`). */
export function normalizeReservedPattern(type: PackageType, pattern: string): string {
  const lowered = pattern.trim().toLowerCase();
  return type === 'pypi' ? normalizePypiName(lowered) : lowered;
}

/** Checks and normalizes an upstream setting; InvalidInputError (400) names the first problem. */
export function validateUpstreamInput(type: string, input: UpstreamInput): ValidUpstreamInput {
  if (!isPackageType(type)) throw new InvalidInputError('type must be one of pypi, npm, docker');
  const url = validateUrl(input.url);
  const reserved = (input.reserved ?? []).map((pattern) => {
    if (typeof pattern !== 'string') throw new InvalidInputError('reserved must be a list of name patterns');
    const normalized = normalizeReservedPattern(type, pattern);
    if (!PATTERN.test(normalized)) throw new InvalidInputError(`reserved pattern "${pattern.slice(0, 80)}" must be 1-214 characters of a-z, 0-9, @ / . _ ~ - and * (any characters)`);
    if (/\*{2,}/.test(normalized)) throw new InvalidInputError(`reserved pattern "${pattern.slice(0, 80)}" has consecutive *`);
    return normalized;
  });
  if (reserved.length > MAX_RESERVED_PATTERNS) throw new InvalidInputError(`at most ${MAX_RESERVED_PATTERNS} reserved patterns`);
  const ttl = input.metadataTtlSeconds ?? DEFAULT_METADATA_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < UPSTREAM_TTL_MIN_SECONDS || ttl > UPSTREAM_TTL_MAX_SECONDS) {
    throw new InvalidInputError(`metadataTtlSeconds must be a whole number from ${UPSTREAM_TTL_MIN_SECONDS} to ${UPSTREAM_TTL_MAX_SECONDS}`);
  }
  let prefix: string | null = null;
  if (type === 'docker') {
    if (typeof input.prefix !== 'string' || input.prefix.length > 64 || !PREFIX.test(input.prefix)) {
      throw new InvalidInputError('docker upstreams need a prefix: 1-64 lower-case letters and digits, separated by . _ or - (e.g. "hub")');
    }
    prefix = input.prefix;
  } else if (input.prefix !== undefined && input.prefix !== null) {
    throw new InvalidInputError('prefix applies to docker upstreams only');
  }
  const hasUser = input.username !== undefined && input.username !== '';
  const hasPassword = input.password !== undefined && input.password !== '';
  if (hasUser !== hasPassword) throw new InvalidInputError('username and password go together');
  let credentials: ValidUpstreamInput['credentials'] = input.clearCredentials ? null : 'keep';
  if (hasUser) {
    if (input.username!.length > 256 || input.username!.includes(':') || /[\0-\x1f\x7f]/.test(input.username!)) {
      throw new InvalidInputError('username must be up to 256 characters without ":" or control characters');
    }
    if (input.password!.length > 4096 || /[\0-\x1f\x7f]/.test(input.password!)) throw new InvalidInputError('password must be up to 4096 characters without control characters');
    credentials = { username: input.username!, password: input.password! };
  }
  return { type, url, reserved: [...new Set(reserved)], metadataTtlSeconds: ttl, prefix, credentials };
}

function validateUrl(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2048) throw new InvalidInputError('url must be an absolute http(s) URL of at most 2048 characters');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidInputError('url must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidInputError('url must use http or https');
  if (url.username || url.password) throw new InvalidInputError('put upstream credentials in username and password, not in the url');
  if (url.search || url.hash) throw new InvalidInputError('url must not have a query or fragment');
  return url.toString().replace(/\/+$/, '');
}
