/** What the auth library needs from the application's configuration. */
export interface AuthOptions {
  /** Server secret: macaroon root keys and cache keys derive from it. */
  secret: Buffer;
  /** Seconds a successful password check is remembered (0 disables). */
  passwordCacheSeconds: number;
  /** Lifetime of a dashboard session. */
  sessionHours: number;
  /** Seconds identity records (users, memberships, token records) are cached between invalidations. */
  recordCacheSeconds: number;
  /** The server's public URL (read per request: tests learn the port after start); its origin counts as same-origin. */
  publicUrl?: () => string;
}

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');
