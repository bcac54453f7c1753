import type { ThrottleSettings } from './throttle/auth-throttle.service';

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
  /** Failed-password throttling. */
  throttle: ThrottleSettings;
  /** argon2 runs at once, and how many may wait for one (beyond: 503). */
  hashing: { concurrency: number; maxWaiting: number };
  /** Longest token lifetime, in days, for everyone but installation admins (PACKGATE_MAX_TOKEN_DAYS). */
  maxTokenDays: number;
  /** Redis (PACKGATE_REDIS_URL): cache invalidations reach every node, throttle counters live there. */
  redisUrl?: string;
  /** The server's public URL (read per request: tests learn the port after start); its origin counts as same-origin. */
  publicUrl?: () => string;
}

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');
