/** Settings of the npm module, read once at start (README "npm" / docs/npm.md "Limits"). */
export interface NpmOptions {
  /** Live config object: `publicUrl` may be set after listen (tests), so read it per request. */
  config: { readonly publicUrl: string };
  /** Upper bound of a publish request body (JSON + base64 tarball), in bytes. */
  maxBodyBytes: number;
}

export const NPM_OPTIONS = Symbol('NPM_OPTIONS');

/** 64 MiB of JSON: a tarball of about 48 MB once base64 is taken off. */
export const DEFAULT_MAX_BODY = 64 * 1024 * 1024;

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2, gb: 1024 ** 3, g: 1024 ** 3 };

/** `PACKGATE_NPM_MAX_BODY`: a byte count or `<n>kb|mb|gb`. */
export function parseByteSize(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = match ? UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined || Number(match[1]) <= 0) throw new Error(`${name} must be a size such as 64mb or 1048576, got "${value}"`);
  return Math.floor(Number(match[1]) * unit);
}
