import type { TestServer } from './server';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A small REST client for tests: JSON in and out, optional bearer token or session cookie. */
export class ApiClient {
  private cookie?: string;

  constructor(
    readonly baseUrl: string,
    private readonly auth?: { bearer?: string; basic?: [string, string] },
  ) {}

  static async login(server: TestServer, username = 'admin', password = server.adminPassword): Promise<ApiClient> {
    const client = new ApiClient(server.url);
    const res = await client.request('POST', '/api/v1/auth/login', { username, password });
    if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status} ${res.text}`);
    return client;
  }

  withBearer(token: string): ApiClient {
    return new ApiClient(this.baseUrl, { bearer: token });
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const finalHeaders: Record<string, string> = { ...headers };
    if (body !== undefined) finalHeaders['content-type'] ??= 'application/json';
    if (this.auth?.bearer) finalHeaders.authorization = `Bearer ${this.auth.bearer}`;
    if (this.auth?.basic) finalHeaders.authorization = `Basic ${Buffer.from(this.auth.basic.join(':')).toString('base64')}`;
    if (this.cookie) finalHeaders.cookie = this.cookie;
    const res = await fetch(this.baseUrl + path, { method, headers: finalHeaders, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  put<T = any>(path: string, body?: unknown) {
    return this.request<T>('PUT', path, body ?? {});
  }
  patch<T = any>(path: string, body?: unknown) {
    return this.request<T>('PATCH', path, body ?? {});
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
}

/** Creates a user with a password and puts them in an org with the given roles. */
export async function makeUser(admin: ApiClient, username: string, roles: string[], org = 'default', password = `${username}-password-1`): Promise<{ username: string; password: string }> {
  const created = await admin.post('/api/v1/users', { username, password });
  if (created.status !== 201) throw new Error(`create user ${username}: ${created.status} ${created.text}`);
  const member = await admin.put(`/api/v1/orgs/${org}/members/${username}`, { roles });
  if (member.status !== 200) throw new Error(`membership ${username}: ${member.status} ${member.text}`);
  return { username, password };
}

/** Creates a token through the REST API as `client` and returns its secret. */
export async function makeToken(client: ApiClient, roles: string[], org = 'default', name = `t-${Math.random().toString(36).slice(2, 8)}`): Promise<{ id: string; token: string }> {
  const res = await client.post(`/api/v1/orgs/${org}/tokens`, { name, roles });
  if (res.status !== 201) throw new Error(`create token: ${res.status} ${res.text}`);
  return { id: res.body.id, token: res.body.token };
}
