import type { Request } from 'express';
import { readCredentials } from '../strategies/auth-context';

/**
 * Where the dashboard session cookie counts, and from where it may write. Decided here only:
 *
 * - The cookie authenticates routes under `/api` (REST API, dashboard, Swagger UI). On registry
 *   routes (PyPI, npm, Docker) it is ignored, so a page elsewhere on the same site cannot make the
 *   browser upload, publish or mint registry tokens with it.
 * - A state-changing `/api` request without an Authorization header (so the cookie, or nothing,
 *   authenticates it) must come from this server's own pages: when the browser says where it comes
 *   from (`Sec-Fetch-Site`, `Origin`), that must be same-origin. A request with neither header is
 *   not from a browser (every current browser sends `Origin` on POST/PUT/PATCH/DELETE and
 *   `Sec-Fetch-Site` on every request) and is let through: it needs the cookie value itself.
 */

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The matched route's pattern (Express sets it before Nest's guards run). */
function routePattern(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  return typeof route?.path === 'string' ? route.path : '';
}

/** Whether the session cookie may authenticate this request: only on routes under /api. */
export function sessionCookieApplies(req: Request): boolean {
  const pattern = routePattern(req);
  return pattern === '/api' || pattern.startsWith('/api/');
}

/**
 * Why this request must be refused as a cross-origin browser write, or null when it may proceed.
 * `publicUrl` is the server's configured public URL; the request's own Host counts as well.
 */
export function crossOriginWriteRefusal(req: Request, publicUrl: string | undefined): string | null {
  if (SAFE_METHODS.has(req.method) || !sessionCookieApplies(req)) return null;
  if (readCredentials(req).scheme !== 'none') return null;
  const fetchSite = header(req, 'sec-fetch-site');
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    return `cross-origin request refused: Sec-Fetch-Site is ${fetchSite.slice(0, 20)}; the session cookie writes only from this server's own pages (scripts use an access token in Authorization)`;
  }
  const origin = header(req, 'origin');
  if (origin !== undefined && !isOwnOrigin(origin, req, publicUrl)) {
    return `cross-origin request refused: Origin ${origin.slice(0, 200)} is not this server; the session cookie writes only from this server's own pages (scripts use an access token in Authorization)`;
  }
  return null;
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value.trim() : Array.isArray(value) ? value.join(',') : undefined;
}

function isOwnOrigin(origin: string, req: Request, publicUrl: string | undefined): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // includes "null" (sandboxed frames, opaque origins)
  }
  if (parsed.origin === 'null') return false;
  if (publicUrl) {
    try {
      if (new URL(publicUrl).origin === parsed.origin) return true;
    } catch {
      /* an invalid public URL matches nothing */
    }
  }
  const host = header(req, 'host');
  if (!host) return false;
  try {
    // Behind a TLS-terminating proxy req.protocol is https only when the proxy is trusted; else PACKGATE_PUBLIC_URL matches.
    return new URL(`${req.protocol}://${host}`).origin === parsed.origin;
  } catch {
    return false;
  }
}
