import type { Request } from 'express';
import { addressMatcher, resolveClientAddress } from './client-address';

const req = (peer: string, headers: Record<string, string> = {}) => ({ socket: { remoteAddress: peer }, headers }) as unknown as Request;

describe('resolveClientAddress', () => {
  const trusted = addressMatcher(['10.0.0.0/8', '::1/128']);

  it('ignores forwarding headers from an untrusted peer', () => {
    expect(resolveClientAddress(req('192.0.2.7', { 'x-forwarded-for': '198.51.100.1' }), trusted)).toBe('192.0.2.7');
    expect(resolveClientAddress(req('::ffff:192.0.2.7', { forwarded: 'for=198.51.100.1' }), trusted)).toBe('192.0.2.7');
  });

  it('takes the rightmost untrusted hop behind trusted proxies', () => {
    expect(resolveClientAddress(req('10.0.0.2', { 'x-forwarded-for': '6.6.6.6, 198.51.100.1, 10.0.0.9' }), trusted)).toBe('198.51.100.1');
    expect(resolveClientAddress(req('::1', { 'x-forwarded-for': '10.1.1.1' }), trusted)).toBe('10.1.1.1');
  });

  it('reads RFC 7239 Forwarded (quoted, bracketed IPv6, ports) before X-Forwarded-For', () => {
    expect(resolveClientAddress(req('10.0.0.2', { forwarded: 'for=6.6.6.6, for="[2001:db8::17]:4711";proto=https', 'x-forwarded-for': '7.7.7.7' }), trusted)).toBe('2001:db8::17');
    expect(resolveClientAddress(req('10.0.0.2', { forwarded: 'for=198.51.100.9:8080' }), trusted)).toBe('198.51.100.9');
  });

  it('stops at the last proxy when a hop is not an address', () => {
    expect(resolveClientAddress(req('10.0.0.2', { 'x-forwarded-for': '198.51.100.1, unknown' }), trusted)).toBe('10.0.0.2');
    expect(resolveClientAddress(req('10.0.0.2', { forwarded: 'for=_hidden' }), trusted)).toBe('10.0.0.2');
  });

  it('trusts nothing by default', () => {
    expect(resolveClientAddress(req('127.0.0.1', { 'x-forwarded-for': '198.51.100.1' }), addressMatcher([]))).toBe('127.0.0.1');
  });
});
