/**
 * `WWW-Authenticate` of an upstream registry (RFC 7235 auth-params; distribution
 * `docs/content/spec/auth/token.md`): `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`.
 * Values may be quoted (with `\` escapes) or bare tokens. Pure, no I/O.
 */
export interface Challenge {
  scheme: 'bearer' | 'basic';
  params: Record<string, string>;
}

const MAX_HEADER = 8192;

export function parseChallenge(header: string | null | undefined): Challenge | null {
  if (!header || header.length > MAX_HEADER) return null;
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!match) return null;
  const scheme = match[1].toLowerCase();
  if (scheme !== 'bearer' && scheme !== 'basic') return null;
  const params: Record<string, string> = {};
  const pattern = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/gy;
  const rest = match[2];
  pattern.lastIndex = 0;
  while (pattern.lastIndex < rest.length) {
    const param = pattern.exec(rest);
    if (!param) break;
    params[param[1].toLowerCase()] = param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : param[3];
  }
  return { scheme, params };
}
