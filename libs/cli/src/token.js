'use strict';
/**
 * Offline token handling, same format as the server (libs/auth/src/macaroons/token-codec.ts):
 * `pgt_` + base64url(macaroon v2 binary). Deriving appends first-party caveats; it needs no key and
 * no network, and can only narrow what the token may do.
 */
const net = require('node:net');
const { base64ToBytes, bytesToBase64, importMacaroon } = require('macaroon');
const { isoSeconds, relative } = require('./time');

const TOKEN_PREFIX = 'pgt_';
const MAX_TOKEN_LENGTH = 4096;
const PACKAGE_TYPES = ['pypi', 'npm', 'docker'];
const utf8 = new TextDecoder('utf-8', { fatal: true });

class TokenError extends Error {}

function decode(text) {
  const token = String(text).trim();
  if (!token.startsWith(TOKEN_PREFIX)) throw new TokenError(`not a Packgate token (must start with ${TOKEN_PREFIX})`);
  if (token.length > MAX_TOKEN_LENGTH) throw new TokenError(`token longer than ${MAX_TOKEN_LENGTH} characters`);
  const body = token.slice(TOKEN_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(body)) throw new TokenError('token is not base64url');
  let macaroon;
  try {
    macaroon = importMacaroon(base64ToBytes(body));
  } catch {
    throw new TokenError('token is not a valid macaroon');
  }
  try {
    return {
      token,
      macaroon,
      id: utf8.decode(macaroon.identifier),
      location: macaroon.location,
      caveats: macaroon.caveats.map((caveat) => (caveat.vid ? `third-party caveat at ${caveat.location}` : utf8.decode(caveat.identifier))),
    };
  } catch {
    throw new TokenError('token contains bytes that are not UTF-8');
  }
}

/**
 * Macaroon v2 binary (as libmacaroons and pymacaroons write it). The `macaroon` package's own
 * exportBinary doubles its buffer on every append and fails past three caveats.
 */
function encodeV2(macaroon) {
  const out = [2];
  const field = (type, data) => {
    out.push(type);
    let length = data.length;
    while (length >= 0x80) {
      out.push((length & 0x7f) | 0x80);
      length >>>= 7;
    }
    out.push(length);
    for (const byte of data) out.push(byte);
  };
  const text = new TextEncoder();
  if (macaroon.location) field(1, text.encode(macaroon.location));
  field(2, macaroon.identifier);
  out.push(0);
  for (const caveat of macaroon.caveats) {
    if (caveat.location) field(1, text.encode(caveat.location));
    field(2, caveat.identifier);
    if (caveat.vid) field(4, caveat.vid);
    out.push(0);
  }
  out.push(0);
  field(6, macaroon.signature);
  return Uint8Array.from(out);
}

function derive(text, conditions) {
  const decoded = decode(text);
  for (const condition of conditions) decoded.macaroon.addFirstPartyCaveat(condition);
  const token = TOKEN_PREFIX + bytesToBase64(encodeV2(decoded.macaroon));
  if (token.length > MAX_TOKEN_LENGTH) throw new TokenError(`the derived token would be longer than ${MAX_TOKEN_LENGTH} characters; the server would refuse it`);
  return token;
}

/** Checks list values the CLI writes into caveats, with the server's rules. */
function checkPackages(items) {
  for (const item of items) {
    const colon = item.indexOf(':');
    if (colon <= 0 || !PACKAGE_TYPES.includes(item.slice(0, colon)) || colon === item.length - 1) {
      throw new TokenError(`package "${item}" must look like type:name with * globs, type one of ${PACKAGE_TYPES.join(', ')} (e.g. pypi:demo-*, npm:@acme/*, docker:default/api)`);
    }
  }
}

function checkActions(items) {
  for (const item of items) if (item !== 'read' && item !== 'write') throw new TokenError(`--actions takes read and/or write, got "${item}"`);
}

function checkCidrs(items) {
  for (const item of items) {
    const [address, prefix] = item.split('/');
    const family = net.isIP(address);
    const max = family === 4 ? 32 : 128;
    if (family === 0 || (prefix !== undefined && (!/^\d+$/.test(prefix) || Number(prefix) > max))) throw new TokenError(`--ip takes CIDR ranges such as 10.0.0.0/8 or 2001:db8::/32, got "${item}"`);
  }
}

/** One line of human meaning per caveat (the README "Caveats" table, in words). */
function describeCaveat(condition, now = Date.now()) {
  const eq = condition.indexOf('=');
  const name = eq > 0 ? condition.slice(0, eq) : condition;
  const value = eq > 0 ? condition.slice(eq + 1) : '';
  const list = () => value.split(',').map((item) => item.trim()).filter(Boolean).join(', ');
  const epoch = () => (/^\d{1,12}$/.test(value) ? Number(value) : null);
  switch (name) {
    case 'expires': {
      const at = epoch();
      if (at === null) return 'INVALID expiry (the server refuses this token)';
      return at * 1000 >= now ? `expires ${isoSeconds(at)} (${relative(at, now)})` : `EXPIRED ${isoSeconds(at)} (${relative(at, now)})`;
    }
    case 'not_before': {
      const at = epoch();
      if (at === null) return 'INVALID not_before (the server refuses this token)';
      return at * 1000 > now ? `not valid before ${isoSeconds(at)} (${relative(at, now)})` : `valid since ${isoSeconds(at)} (${relative(at, now)})`;
    }
    case 'roles':
      return `only these roles, if the token holds them: ${list()}`;
    case 'orgs':
      return `only in orgs: ${list()}`;
    case 'packages':
      return `only packages: ${list()}`;
    case 'actions':
      return `only actions: ${list()}${value.split(',').map((s) => s.trim()).includes('write') ? '' : ' (read-only)'}`;
    case 'ip':
      return `only from addresses: ${list()}`;
    default:
      return `UNKNOWN caveat "${name}" (the server refuses this token)`;
  }
}

module.exports = { TOKEN_PREFIX, TokenError, decode, derive, encodeV2, describeCaveat, checkPackages, checkActions, checkCidrs };
