/**
 * Offline token handling with the server's own token codec and caveat parser (libs/auth), so the
 * CLI and the server can never disagree on the format: `pgt_` + base64url(macaroon v2 binary).
 * Deriving appends first-party caveats; it needs no key and no network, and can only narrow what
 * the token may do.
 */
// The codec modules themselves, not the @packgate/auth barrel: that one loads NestJS and TypeORM.
import { parseCaveat } from '@packgate/auth/macaroons/caveats';
import { MAX_TOKEN_LENGTH, TOKEN_PREFIX, attenuateToken, decodeToken } from '@packgate/auth/macaroons/token-codec';
import { isoSeconds, relative } from './time';

export { TOKEN_PREFIX };

export class TokenError extends Error {}

export interface DecodedCliToken {
  token: string;
  id: string;
  location: string;
  caveats: string[];
}

export function decode(text: string): DecodedCliToken {
  const token = String(text).trim();
  try {
    const decoded = decodeToken(token);
    return { token, id: decoded.tokenId, location: decoded.macaroon.location, caveats: decoded.conditions };
  } catch (error) {
    throw new TokenError((error as Error).message);
  }
}

export function derive(text: string, conditions: string[]): string {
  decode(text);
  conditions.forEach(checkCondition);
  const token = attenuateToken(String(text).trim(), conditions);
  if (token.length > MAX_TOKEN_LENGTH) throw new TokenError(`the derived token would be longer than ${MAX_TOKEN_LENGTH} characters; the server would refuse it`);
  return token;
}

/** Refuses a caveat the server would refuse, with the server's own message. */
export function checkCondition(condition: string): void {
  try {
    parseCaveat(condition);
  } catch (error) {
    throw new TokenError((error as Error).message);
  }
}

/** One line of human meaning per caveat (the README "Caveats" table, in words). */
export function describeCaveat(condition: string, now = Date.now()): string {
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
