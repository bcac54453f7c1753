import type { Request } from 'express';
import { crossOriginWriteRefusal, sessionCookieApplies } from './browser-session';

function request(method: string, routePath: string | undefined, headers: Record<string, string> = {}): Request {
  return { method, route: routePath === undefined ? undefined : { path: routePath }, headers: { host: 'pkg.local:8080', ...headers }, protocol: 'http' } as unknown as Request;
}

const PUBLIC = 'https://packages.example.com';

describe('sessionCookieApplies', () => {
  it('holds for routes under /api only, decided by the matched route pattern', () => {
    expect(sessionCookieApplies(request('GET', '/api/v1/me'))).toBe(true);
    expect(sessionCookieApplies(request('POST', '/:org/pypi/'))).toBe(false);
    expect(sessionCookieApplies(request('POST', '/:org/npm/-/npm/v1/tokens'))).toBe(false);
    expect(sessionCookieApplies(request('POST', '/v2/*path'))).toBe(false);
    expect(sessionCookieApplies(request('GET', '/apiary'))).toBe(false);
    expect(sessionCookieApplies(request('GET', undefined))).toBe(false);
  });
});

describe('crossOriginWriteRefusal', () => {
  const refused = (method: string, headers: Record<string, string>, route = '/api/v1/orgs/:org/tokens') => crossOriginWriteRefusal(request(method, route, headers), PUBLIC) !== null;

  it('refuses cross-origin and same-site writes', () => {
    expect(refused('POST', { origin: 'http://pkg.local:9999' })).toBe(true);
    expect(refused('DELETE', { 'sec-fetch-site': 'same-site' })).toBe(true);
    expect(refused('PATCH', { 'sec-fetch-site': 'cross-site', origin: 'http://pkg.local:8080' })).toBe(true);
    expect(refused('PUT', { origin: 'null' })).toBe(true);
    expect(refused('POST', { origin: 'https://pkg.local:8080' })).toBe(true);
    expect(refused('POST', { origin: 'not a url' })).toBe(true);
  });

  it('accepts same-origin writes (Host or public URL), header-less clients, reads, bearer calls and registry routes', () => {
    expect(refused('POST', { origin: 'http://pkg.local:8080', 'sec-fetch-site': 'same-origin' })).toBe(false);
    expect(refused('POST', { origin: PUBLIC })).toBe(false);
    expect(refused('POST', { 'sec-fetch-site': 'none' })).toBe(false);
    expect(refused('POST', {})).toBe(false);
    expect(refused('GET', { origin: 'http://evil.example' })).toBe(false);
    expect(refused('POST', { origin: 'http://evil.example', authorization: 'Bearer pgt_x' })).toBe(false);
    expect(refused('POST', { origin: 'http://evil.example' }, '/:org/pypi/')).toBe(false);
  });
});
