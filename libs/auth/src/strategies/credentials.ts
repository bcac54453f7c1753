import { looksLikeToken } from '../macaroons/token-codec';

/** Parsing of the Authorization header, shared by the strategies. Never logs or keeps secrets. */
export type PresentedCredentials =
  | { scheme: 'none' }
  | { scheme: 'basic'; username: string; password: string }
  | { scheme: 'basic-malformed' }
  | { scheme: 'bearer'; token: string }
  | { scheme: 'other'; name: string };

const MAX_HEADER = 8192;

export function parseAuthorization(header: string | undefined): PresentedCredentials {
  if (header === undefined || header.trim() === '') return { scheme: 'none' };
  if (header.length > MAX_HEADER) return { scheme: 'other', name: 'oversized' };
  const match = /^\s*([A-Za-z]+)\s+(.*)$/s.exec(header);
  if (!match) return { scheme: 'other', name: 'unparseable' };
  const scheme = match[1].toLowerCase();
  const value = match[2].trim();
  if (scheme === 'bearer' || scheme === 'token') return { scheme: 'bearer', token: value };
  if (scheme !== 'basic') return { scheme: 'other', name: scheme.slice(0, 20) };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return { scheme: 'basic-malformed' };
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { scheme: 'basic-malformed' };
  return { scheme: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Which part of a Basic pair is a token: twine/pip send `__token__:<t>`, `anything:<t>` or `<t>:`. */
export function tokenInBasic(credentials: { username: string; password: string }): string | null {
  if (looksLikeToken(credentials.password)) return credentials.password.trim();
  if (looksLikeToken(credentials.username) && credentials.password === '') return credentials.username.trim();
  return null;
}

export { clientIp } from '../network/client-address';
