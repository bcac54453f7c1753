/**
 * REST client. Credentials, first match wins: `--auth-file FILE` or PACKGATE_TOKEN (a token with
 * role `api`, sent as Bearer); otherwise a username (`--username`, PACKGATE_USERNAME, config
 * "username") and password (PACKGATE_PASSWORD or a hidden prompt) exchanged for a session cookie
 * at POST /api/v1/auth/login. Calls are typed from the generated OpenAPI types (@packgate/api-client).
 */
import * as fs from 'node:fs';
import { type ApiPath, type BodyOf, type HttpMethod, type PathParamsOf, type PathWith, type QueryOf, type ResponseOf, buildPath } from '@packgate/api-client';
import { UsageError } from './args';
import { type Env, type GlobalOptions, type LoadedConfig, expandHome, resolveUrl } from './config';
import { type CliIo, promptHidden } from './io';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RestResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

function unreachable(url: string, error: unknown): ApiError {
  const { cause, message } = error as Error & { cause?: { code?: string } };
  return new ApiError(0, `cannot reach ${url}: ${cause?.code || message}`);
}

export class RestClient {
  constructor(
    readonly baseUrl: string,
    readonly headers: Record<string, string> = {},
  ) {}

  /** One call, typed from the OpenAPI document: the path must exist for the method. */
  async call<M extends HttpMethod, P extends PathWith<M> & ApiPath>(
    method: M,
    path: P,
    params: PathParamsOf<P, M>,
    options: { query?: QueryOf<P, M>; body?: BodyOf<P, M> } = {},
  ): Promise<RestResponse<ResponseOf<P, M>>> {
    const url = buildPath(path, params as Record<string, string>, options.query as Record<string, string | number | boolean | undefined> | undefined);
    return this.request<ResponseOf<P, M>>(method.toUpperCase(), url, options.body);
  }

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<RestResponse<T>> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...this.headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
      });
    } catch (error) {
      throw unreachable(this.baseUrl, error);
    }
    const text = await res.text();
    let parsed: { message?: string | string[]; reasons?: Record<string, unknown> } | undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (res.status >= 400) {
      const message = parsed && parsed.message ? (Array.isArray(parsed.message) ? parsed.message.join('; ') : parsed.message) : text.slice(0, 200) || res.statusText;
      const reasons = parsed && parsed.reasons ? ` (${Object.entries(parsed.reasons).map(([k, v]) => `${k}: ${v}`).join('; ')})` : '';
      throw new ApiError(res.status, `${res.status} ${message}${reasons}`);
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
}

export async function connect(global: GlobalOptions, env: Env, config: LoadedConfig, io: CliIo): Promise<RestClient> {
  const url = resolveUrl(global, env, config);
  const tokenFile = global.authFile || (env.PACKGATE_TOKEN ? undefined : config.values.tokenFile && expandHome(config.values.tokenFile, env));
  if (tokenFile) {
    let token: string;
    try {
      token = fs.readFileSync(tokenFile, 'utf8').trim();
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      throw new UsageError(`cannot read ${tokenFile}: ${code || message}`);
    }
    return new RestClient(url, { authorization: `Bearer ${token}` });
  }
  if (env.PACKGATE_TOKEN) return new RestClient(url, { authorization: `Bearer ${env.PACKGATE_TOKEN.trim()}` });
  const username = global.username || env.PACKGATE_USERNAME || config.values.username;
  if (!username) throw new UsageError('not logged in: set PACKGATE_TOKEN or --auth-file (a token with role api), or --username/PACKGATE_USERNAME with PACKGATE_PASSWORD');
  const password = env.PACKGATE_PASSWORD !== undefined ? env.PACKGATE_PASSWORD : await promptHidden(`Password for ${username} at ${url}: `, io);
  const login: BodyOf<'/api/v1/auth/login', 'post'> = { username, password };
  let res: Response;
  try {
    res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(login), redirect: 'manual' });
  } catch (error) {
    throw unreachable(url, error);
  }
  if (res.status !== 200) {
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    throw new ApiError(res.status, `login as ${username} failed: ${res.status} ${body.message || res.statusText}`);
  }
  const cookies = typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [res.headers.get('set-cookie') || ''];
  const session = cookies.map((c) => c.split(';')[0]).find((c) => c.startsWith('packgate_session='));
  if (!session) throw new ApiError(res.status, 'login answered without a session cookie');
  return new RestClient(url, { cookie: session });
}
