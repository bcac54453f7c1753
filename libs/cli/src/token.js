'use strict';
/**
 * Offline token handling, same format as the server (libs/auth/src/macaroons/token-codec.ts):
 * `pgt_` + base64url(macaroon v2 binary). Deriving appends first-party caveats; it needs no key and
 * no network, and can only narrow what the token may do.
 */
const path = require('node:path');
const { isoSeconds, relative } = require('./time');

class TokenError extends Error {}

/**
 * The server's own token codec and caveat parser (compiled by `npm run build:api`, which `npm ci`
 * runs through the `prepare` script), so the CLI and the server can never disagree on the format.
 */
function serverModules() {
  const base = path.join(__dirname, '..', '..', '..', 'dist', 'libs', 'auth', 'src', 'macaroons');
  try {
    return { codec: require(path.join(base, 'token-codec.js')), caveats: require(path.join(base, 'caveats.js')) };
  } catch {
    throw new Error('packgate: the server code is not built; run `npm run build:api` in the Packgate checkout');
  }
}

const TOKEN_PREFIX = 'pgt_';

function decode(text) {
  const { codec } = serverModules();
  const token = String(text).trim();
  try {
    const decoded = codec.decodeToken(token);
    return { token, macaroon: decoded.macaroon, id: decoded.tokenId, location: decoded.macaroon.location, caveats: decoded.conditions };
  } catch (error) {
    throw new TokenError(error.message);
  }
}

function derive(text, conditions) {
  const { codec } = serverModules();
  decode(text);
  conditions.forEach(checkCondition);
  const token = codec.attenuateToken(String(text).trim(), conditions);
  if (token.length > codec.MAX_TOKEN_LENGTH) throw new TokenError(`the derived token would be longer than ${codec.MAX_TOKEN_LENGTH} characters; the server would refuse it`);
  return token;
}

/** Refuses a caveat the server would refuse, with the server's own message. */
function checkCondition(condition) {
  const { caveats } = serverModules();
  try {
    caveats.parseCaveat(condition);
  } catch (error) {
    throw new TokenError(error.message);
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

module.exports = { TOKEN_PREFIX, TokenError, decode, derive, describeCaveat, checkCondition };
