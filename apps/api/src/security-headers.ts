import type { RequestHandler } from 'express';
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

/** Built on the first request: the public URL is final by then (tests learn their port after start). */
export function securityHeaders(publicUrl: () => string): { all: RequestHandler; swagger: RequestHandler } {
  let built: ReturnType<typeof buildSecurityHeaders> | undefined;
  const get = () => (built ??= buildSecurityHeaders(publicUrl()));
  return {
    all: (req, res, next) => get().all(req, res, next),
    swagger: (req, res, next) => get().swagger(req, res, next),
  };
}
