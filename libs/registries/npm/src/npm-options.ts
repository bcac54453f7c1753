/** Settings of the npm module, from the application config (README "npm registry", "Limits"). */
export interface NpmOptions {
  /** Live config object: `publicUrl` may be set after listen (tests), so read it per request. */
  config: { readonly publicUrl: string };
  /** Upper bound of a publish request body (JSON + base64 tarball), in bytes. */
  maxBodyBytes: number;
}

export const NPM_OPTIONS = Symbol('NPM_OPTIONS');

/** 64 MiB of JSON: a tarball of about 48 MB once base64 is taken off. */
export const DEFAULT_MAX_BODY = 64 * 1024 * 1024;
