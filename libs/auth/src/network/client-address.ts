import { BlockList, isIP } from 'node:net';
import type { NextFunction, Request, Response } from 'express';

const CLIENT_ADDRESS = Symbol('packgate.clientAddress');
type AddressedRequest = Request & { [CLIENT_ADDRESS]?: string };

/** `::ffff:10.1.2.3` → `10.1.2.3`, so one client has one spelling (caveats, throttle keys, audit). */
export function normalizeAddress(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address;
}

/** A matcher for `10.0.0.0/8`-style CIDRs (already validated by the configuration). */
export function addressMatcher(cidrs: readonly string[]): (address: string) => boolean {
  if (cidrs.length === 0) return () => false;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, prefix] = cidr.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(address, Number(prefix ?? (family === 'ipv6' ? 128 : 32)), family);
  }
  return (address) => {
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/**
 * The client's address: the socket peer, unless the peer is a trusted proxy; then the hops of
 * `Forwarded` (for=…) or else `X-Forwarded-For` are walked from the right and the first address
 * that is not a trusted proxy is the client. A hop that is not an address (`unknown`, obfuscated
 * names) stops the walk at the last proxy, so nobody can choose their address with junk.
 */
export function resolveClientAddress(req: Request, trusted: (address: string) => boolean): string | undefined {
  let address = normalizeAddress(req.socket?.remoteAddress);
  if (!address || !trusted(address)) return address;
  const hops = forwardedHops(req);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeAddress(hops[i]);
    if (!hop || isIP(hop) === 0) return address;
    address = hop;
    if (!trusted(hop)) return hop;
  }
  return address;
}

function forwardedHops(req: Request): string[] {
  const forwarded = req.headers.forwarded;
  if (forwarded) {
    return forwarded.split(',').map((element) => {
      const pair = element
        .split(';')
        .map((part) => part.trim())
        .find((part) => /^for=/i.test(part));
      return pair ? stripPort(pair.slice(4).replace(/^"|"$/g, '')) : '';
    });
  }
  const xff = req.headers['x-forwarded-for'];
  const value = Array.isArray(xff) ? xff.join(',') : xff;
  return value ? value.split(',').map((hop) => hop.trim()) : [];
}

/** `[2001:db8::1]:4711` → `2001:db8::1`; `192.0.2.1:8080` → `192.0.2.1`. */
function stripPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1];
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(hop);
  return v4 ? v4[1] : hop;
}

/** Resolves the client address once per request (PACKGATE_TRUSTED_PROXIES) for clientIp(). */
export function clientAddressMiddleware(trustedProxies: readonly string[]): (req: Request, res: Response, next: NextFunction) => void {
  const trusted = addressMatcher(trustedProxies);
  return (req, _res, next) => {
    (req as AddressedRequest)[CLIENT_ADDRESS] = resolveClientAddress(req, trusted);
    next();
  };
}

/**
 * The one client address of a request: `ip` caveats, the password throttle and the audit trail all
 * use it. Falls back to the socket peer when the middleware did not run.
 */
export function clientIp(req: Request): string | undefined {
  const resolved = (req as AddressedRequest)[CLIENT_ADDRESS];
  return resolved ?? normalizeAddress(req.socket?.remoteAddress);
}
