import type { AuditEvent, Info, Me, Member, PackageDetail, PackageSummary, PackageType, PermissionMode, Role, Token, TokenWithSecret } from './types';

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
  if (response.status === 204) return undefined as T;
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
  return (text ? parsed : undefined) as T;
}

const enc = encodeURIComponent;
const orgPath = (org: string) => `/api/v1/orgs/${enc(org)}`;
const pkgPath = (org: string, type: PackageType, name: string) => `${orgPath(org)}/packages/${enc(type)}/${enc(name)}`;

function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const s = search.toString();
  return s ? `?${s}` : '';
}

export const api = {
  login: (username: string, password: string) => request<Me>('POST', '/api/v1/auth/login', { username, password }, { quiet401: true }),
  logout: () => request<void>('POST', '/api/v1/auth/logout', undefined, { quiet401: true }),
  me: () => request<Me>('GET', '/api/v1/me', undefined, { quiet401: true }),
  info: () => request<Info>('GET', '/api/v1/info'),

  roles: (org: string) => request<Role[]>('GET', `${orgPath(org)}/roles`),

  tokens: (org: string, all: boolean) => request<Token[]>('GET', `${orgPath(org)}/tokens${query({ all })}`),
  createToken: (org: string, input: { name: string; roles: string[]; expiresAt?: string }) =>
    request<TokenWithSecret>('POST', `${orgPath(org)}/tokens`, input),
  rotateToken: (org: string, id: string) => request<TokenWithSecret>('POST', `${orgPath(org)}/tokens/${enc(id)}/rotate`),
  deleteToken: (org: string, id: string) => request<void>('DELETE', `${orgPath(org)}/tokens/${enc(id)}`),

  packages: (org: string, type: PackageType, q?: string) => request<PackageSummary[]>('GET', `${orgPath(org)}/packages${query({ type, q })}`),
  package: (org: string, type: PackageType, name: string) => request<PackageDetail>('GET', pkgPath(org, type, name)),
  updatePackage: (org: string, type: PackageType, name: string, patch: { private?: boolean; permissionMode?: PermissionMode }) =>
    request<PackageDetail>('PATCH', pkgPath(org, type, name), patch),
  deletePackage: (org: string, type: PackageType, name: string) => request<void>('DELETE', pkgPath(org, type, name)),

  members: (org: string) => request<Member[]>('GET', `${orgPath(org)}/members`),
  setMember: (org: string, username: string, roles: string[]) => request<Member>('PUT', `${orgPath(org)}/members/${enc(username)}`, { roles }),
  removeMember: (org: string, username: string) => request<void>('DELETE', `${orgPath(org)}/members/${enc(username)}`),
  changePassword: (username: string, currentPassword: string, password: string) =>
    request<{ username: string }>('PATCH', `/api/v1/users/${enc(username)}`, { currentPassword, password }),
  createUser: (username: string, password: string) => request<{ username: string; isAdmin: boolean; disabled: boolean }>('POST', '/api/v1/users', { username, password }),

  audit: (org: string, filter: { action?: string; result?: string; actor?: string; limit?: number }) =>
    request<AuditEvent[]>('GET', `${orgPath(org)}/audit${query(filter)}`),
};

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
