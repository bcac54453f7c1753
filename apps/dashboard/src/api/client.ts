import type { PackageSummary, PackageType } from './types';
import { buildPath, type ApiPath, type BodyOf, type HttpMethod, type PathParamsOf, type PathWith, type QueryOf, type ResponseOf } from '../../../../libs/api-client/src';

/** An error answer of the API (`{statusCode, error, message}`), made readable. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function messageOf(status: number, body: unknown, statusText: string): string {
  if (body && typeof body === 'object') {
    const { message, error } = body as { message?: unknown; error?: unknown };
    if (Array.isArray(message) && message.length > 0) return message.map(String).join('; ');
    if (typeof message === 'string' && message) return message;
    if (typeof error === 'string' && error) return error;
  }
  if (typeof body === 'string' && body.trim() && body.length < 300) return body.trim();
  return `Request failed: ${status} ${statusText}`.trim();
}

/** Called on any 401 so the app can return to the login screen. */
let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

export async function request<T>(method: string, path: string, body?: unknown, opts: { quiet401?: boolean } = {}): Promise<T> {
  return (await send<T>(method, path, body, opts)).body;
}

/** One request; the parsed body and the answer's headers (for paging links). */
async function send<T>(method: string, path: string, body?: unknown, opts: { quiet401?: boolean } = {}): Promise<{ body: T; headers: Headers }> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'Cannot reach the server. Check your connection and try again.');
  }
  if (response.status === 204) return { body: undefined as T, headers: response.headers };
  const text = await response.text();
  let parsed: unknown = text;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
  }
  if (!response.ok) {
    if (response.status === 401 && !opts.quiet401) onUnauthorized?.();
    throw new ApiError(response.status, messageOf(response.status, parsed, response.statusText));
  }
  return { body: (text ? parsed : undefined) as T, headers: response.headers };
}

/** One page of a listing and the URL of the next (null on the last page). */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/** The target of `rel="next"` in a Link header (`<url>; rel="next"`, as GitHub sends it). */
export function nextLink(link: string | null): string | null {
  for (const part of link?.split(',') ?? []) {
    const [target, ...params] = part.split(';');
    const url = /^\s*<([^>]*)>\s*$/.exec(target)?.[1];
    const rel = params.map((param) => /^\s*rel\s*=\s*"?([^"]*)"?\s*$/i.exec(param)?.[1]).find((value) => value !== undefined);
    if (url !== undefined && rel?.split(/\s+/).includes('next')) return url;
  }
  return null;
}

/** GETs one page of a listing: the array answer and its next link. */
export async function requestPage<T>(path: string): Promise<Page<T>> {
  const { body, headers } = await send<T[]>('GET', path);
  return { items: body ?? [], next: nextLink(headers.get('Link')) };
}

interface CallOptions<P extends ApiPath, M extends HttpMethod> {
  query?: QueryOf<P, M>;
  body?: BodyOf<P, M>;
  quiet401?: boolean;
}

/**
 * One REST call, typed from the generated OpenAPI types: the path must exist for the method, and
 * parameters, body and answer have the server's shapes.
 */
export function call<M extends HttpMethod, P extends PathWith<M> & ApiPath>(
  method: M,
  path: P,
  params: PathParamsOf<P, M>,
  options: CallOptions<P, M> = {},
): Promise<ResponseOf<P, M>> {
  const url = buildPath(path, params as Record<string, string>, options.query as Record<string, string | number | boolean | undefined> | undefined);
  return request<ResponseOf<P, M>>(method.toUpperCase(), url, options.body, { quiet401: options.quiet401 });
}


const pkg = '/api/v1/orgs/{org}/packages/{type}/{name}';

type AuditQuery = QueryOf<'/api/v1/audit', 'get'>;
/** Audit filters as the form holds them ('' = any result). */
export type AuditFilter = Omit<AuditQuery, 'result'> & { result?: AuditQuery['result'] | '' };
const auditQuery = (filter: AuditFilter): AuditQuery => ({ ...filter, result: filter.result || undefined });

export const api = {
  login: (username: string, password: string) => call('post', '/api/v1/auth/login', {}, { body: { username, password }, quiet401: true }),
  logout: () => call('post', '/api/v1/auth/logout', {}, { quiet401: true }),
  me: () => call('get', '/api/v1/me', {}, { quiet401: true }),
  info: () => call('get', '/api/v1/info', {}),

  roles: (org: string) => call('get', '/api/v1/orgs/{org}/roles', { org }),

  tokens: (org: string, all: boolean) => call('get', '/api/v1/orgs/{org}/tokens', { org }, { query: { all } }),
  createToken: (org: string, input: BodyOf<'/api/v1/orgs/{org}/tokens', 'post'>) => call('post', '/api/v1/orgs/{org}/tokens', { org }, { body: input }),
  rotateToken: (org: string, id: string) => call('post', '/api/v1/orgs/{org}/tokens/{id}/rotate', { org, id }),
  deleteToken: (org: string, id: string) => call('delete', '/api/v1/orgs/{org}/tokens/{id}', { org, id }),

  /** The first page; follow `next` with `api.packagesPage`. */
  packages: (org: string, type: PackageType, q?: string) =>
    requestPage<PackageSummary>(buildPath('/api/v1/orgs/{org}/packages', { org }, { type, q } satisfies QueryOf<'/api/v1/orgs/{org}/packages', 'get'>)),
  packagesPage: (next: string) => requestPage<PackageSummary>(next),
  package: (org: string, type: PackageType, name: string) => call('get', pkg, { org, type, name }),
  updatePackage: (org: string, type: PackageType, name: string, patch: BodyOf<typeof pkg, 'patch'>) => call('patch', pkg, { org, type, name }, { body: patch }),
  deletePackage: (org: string, type: PackageType, name: string) => call('delete', pkg, { org, type, name }),

  members: (org: string) => call('get', '/api/v1/orgs/{org}/members', { org }),
  setMember: (org: string, username: string, roles: string[]) => call('put', '/api/v1/orgs/{org}/members/{username}', { org, username }, { body: { roles } }),
  removeMember: (org: string, username: string) => call('delete', '/api/v1/orgs/{org}/members/{username}', { org, username }),
  createUser: (username: string, password: string) => call('post', '/api/v1/users', {}, { body: { username, password } }),
  changePassword: (username: string, currentPassword: string, password: string) =>
    call('patch', '/api/v1/users/{username}', { username }, { body: { currentPassword, password } }),

  audit: (org: string, filter: AuditFilter) => call('get', '/api/v1/orgs/{org}/audit', { org }, { query: auditQuery(filter) }),
  installationAudit: (filter: AuditFilter) => call('get', '/api/v1/audit', {}, { query: auditQuery(filter) }),
};

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
