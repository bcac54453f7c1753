/**
 * Typed access to the REST API for the dashboard and the CLI. `schema.ts` is generated from the
 * server's OpenAPI document (`npm run openapi`); the helpers below read request and answer types
 * out of it, so a client call stops compiling when the server's contract changes.
 */
import type { components, paths } from './schema';

export type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type ApiPath = keyof paths;
export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** Paths that have an operation for this method. */
export type PathWith<M extends HttpMethod> = { [P in ApiPath]: paths[P][M] extends undefined | never ? never : P }[ApiPath];

type Operation<P extends ApiPath, M extends HttpMethod> = NonNullable<paths[P][M]>;

type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : void;

/** The JSON answer of a successful call (void for 204). */
export type ResponseOf<P extends ApiPath, M extends HttpMethod> =
  Operation<P, M> extends { responses: infer R } ? JsonOf<R[Extract<keyof R, 200 | 201 | 204>]> : never;

/** The JSON request body of a call (never when it takes none). */
export type BodyOf<P extends ApiPath, M extends HttpMethod> =
  Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

/** Path parameters (`{org}`, `{name}`, ...) of a call. */
export type PathParamsOf<P extends ApiPath, M extends HttpMethod> = Operation<P, M> extends { parameters: { path: infer A } } ? A : Record<string, never>;

/** Query parameters of a call. */
export type QueryOf<P extends ApiPath, M extends HttpMethod> = Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : Record<string, never>;

/** Fills `{param}` segments (each URL-encoded) and appends the defined, non-empty query values. */
export function buildPath(template: string, params: Record<string, string> = {}, query: Record<string, string | number | boolean | undefined> = {}): string {
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}
