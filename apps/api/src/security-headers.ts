import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

type Directives = Record<string, string[]>;

/**
 * The dashboard (Vite build: external module scripts and stylesheets, styles set through the DOM)
 * and the registries' HTML index pages need nothing inline and nothing from elsewhere.
 */
function baseDirectives(): Directives {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}

/**
 * Swagger UI's page carries an inline <style> block and style attributes (its template in
 * @nestjs/swagger), and "Try it out" calls the server named in the OpenAPI document (the public
 * URL), which may be another origin than the one the page was opened on.
 */
function swaggerDirectives(publicOrigin: string | null): Directives {
  const directives = baseDirectives();
  directives['style-src'] = ["'self'", "'unsafe-inline'"];
  if (publicOrigin) directives['connect-src'] = ["'self'", publicOrigin];
  return directives;
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * Security headers on every response: CSP, no framing (frame-ancestors + X-Frame-Options), nosniff
 * (registry JSON and files included), no Referer, and HSTS only when the public URL is https
 * (HSTS on a plain-http installation would lock browsers out of it).
 */
function buildSecurityHeaders(publicUrl: string): { all: RequestHandler; swagger: RequestHandler } {
  const https = publicUrl.startsWith('https:');
  const common = {
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    xFrameOptions: { action: 'deny' as const },
    xContentTypeOptions: true,
    referrerPolicy: { policy: 'no-referrer' as const },
    // Registry files are fetched by pip/npm/docker, not embedded by pages; leave cross-origin loading alone.
    crossOriginResourcePolicy: false,
    crossOriginEmbedderPolicy: false,
  };
  const upgrade: Directives = https ? { 'upgrade-insecure-requests': [] } : {};
  return {
    all: helmet({ ...common, contentSecurityPolicy: { useDefaults: false, directives: { ...baseDirectives(), ...upgrade } } }),
    swagger: helmet.contentSecurityPolicy({ useDefaults: false, directives: { ...swaggerDirectives(originOf(publicUrl)), ...upgrade } }),
  };
}

/** The headers one helmet middleware writes and removes: they are the same on every response. */
interface HeaderPlan {
  set: [name: string, value: string][];
  removed: string[];
}

/**
 * Runs a helmet middleware once against a recording response: with fixed directives (no nonces)
 * helmet writes the same headers every time, so replaying the recording gives byte-identical
 * headers without walking helmet's eleven middlewares and rebuilding the CSP string per request.
 */
export function recordHeaders(middleware: RequestHandler): HeaderPlan {
  const plan: HeaderPlan = { set: [], removed: [] };
  const recorder = {
    setHeader: (name: string, value: unknown) => plan.set.push([name, String(value)]),
    removeHeader: (name: string) => plan.removed.push(name),
  };
  let passed = false;
  middleware({ headers: {}, method: 'GET', url: '/' } as Request, recorder as unknown as Response, (error?: unknown) => {
    if (error) throw error;
    passed = true;
  });
  if (!passed) throw new Error('security headers: helmet did not complete synchronously');
  return plan;
}

function replay(plan: HeaderPlan): RequestHandler {
  return (_req, res, next) => {
    for (const [name, value] of plan.set) res.setHeader(name, value);
    for (const name of plan.removed) res.removeHeader(name);
    next();
  };
}

/** Built on the first request: the public URL is final by then (tests learn their port after start). */
export function securityHeaders(publicUrl: () => string): { all: RequestHandler; swagger: RequestHandler } {
  let built: { all: RequestHandler; swagger: RequestHandler } | undefined;
  const get = () => {
    if (built) return built;
    const helmets = buildSecurityHeaders(publicUrl());
    built = { all: replay(recordHeaders(helmets.all)), swagger: replay(recordHeaders(helmets.swagger)) };
    return built;
  };
  return {
    all: (req, res, next) => get().all(req, res, next),
    swagger: (req, res, next) => get().swagger(req, res, next),
  };
}
