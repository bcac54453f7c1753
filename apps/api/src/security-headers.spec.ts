import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { recordHeaders, securityHeaders } from './security-headers';

/** A response that keeps what middleware writes, like Node's header map. */
function fakeResponse(initial: Record<string, string> = {}): { res: Response; headers: Map<string, string> } {
  const headers = new Map(Object.entries(initial).map(([name, value]) => [name.toLowerCase(), value]));
  const res = {
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  };
  return { res: res as unknown as Response, headers };
}

function headersAfter(middleware: RequestHandler): Map<string, string> {
  const { res, headers } = fakeResponse({ 'X-Powered-By': 'Express' });
  let passed = false;
  middleware({ headers: {}, method: 'GET', url: '/x' } as Request, res, () => (passed = true));
  expect(passed).toBe(true);
  return headers;
}

describe('security headers', () => {
  it('replays exactly the headers helmet writes (and removes X-Powered-By)', () => {
    const direct = helmet({ xFrameOptions: { action: 'deny' }, contentSecurityPolicy: { useDefaults: false, directives: { 'default-src': ["'self'"], 'frame-ancestors': ["'none'"] } } });
    const plan = recordHeaders(direct);
    expect(plan.removed).toContain('X-Powered-By');
    const replayed = headersAfter((_req, res, next) => {
      for (const [name, value] of plan.set) res.setHeader(name, value);
      for (const name of plan.removed) res.removeHeader(name);
      next();
    });
    expect([...replayed]).toEqual([...headersAfter(direct)]);
  });

  it('sets CSP, no framing, nosniff and no Referer on plain http, HSTS only on https', () => {
    const plain = headersAfter(securityHeaders(() => 'http://localhost:8080').all);
    expect(plain.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(plain.get('x-frame-options')).toBe('DENY');
    expect(plain.get('x-content-type-options')).toBe('nosniff');
    expect(plain.get('referrer-policy')).toBe('no-referrer');
    expect(plain.has('strict-transport-security')).toBe(false);
    expect(plain.has('x-powered-by')).toBe(false);
    const https = headersAfter(securityHeaders(() => 'https://registry.example').all);
    expect(https.get('strict-transport-security')).toBe('max-age=31536000');
    expect(https.get('content-security-policy')).toContain('upgrade-insecure-requests');
  });

  it('lets Swagger UI use inline styles and call the public origin', () => {
    const swagger = headersAfter(securityHeaders(() => 'https://registry.example:8443/x').swagger);
    expect(swagger.get('content-security-policy')).toContain("style-src 'self' 'unsafe-inline'");
    expect(swagger.get('content-security-policy')).toContain("connect-src 'self' https://registry.example:8443");
  });
});
