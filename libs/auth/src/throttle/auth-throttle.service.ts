import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { RateLimiterAbstract, RateLimiterRes, RateLimiterStoreAbstract } from 'rate-limiter-flexible';
import { AUTH_OPTIONS, AuthOptions } from '../auth-options';
import { InvalidationBus } from '../cache/invalidation-bus';
import { TtlCache } from '../cache/ttl-cache';
import { TooManyAttemptsError } from '../errors';
import type { LimiterOptions } from './typeorm-rate-limiter';

/**
 * Builds one counter family. The default stores counters in the database (TypeOrmRateLimiter); a
 * shared store such as rate-limiter-flexible's RateLimiterRedis fits the same signature.
 */
export type LimiterFactory = (options: LimiterOptions) => RateLimiterAbstract | RateLimiterStoreAbstract;
export const THROTTLE_LIMITER_FACTORY = Symbol('THROTTLE_LIMITER_FACTORY');

const BLOCKED = 'throttle.blocked';

export interface ThrottleSettings {
  /** Failures allowed per (client address, username) in the window; 0 disables throttling. */
  maxFailures: number;
  /** Failures allowed per client address, whatever the usernames. */
  maxFailuresPerAddress: number;
  /** Counting window and block length, in seconds. */
  windowSeconds: number;
}

/**
 * Failed-password counters per (address, username) and per address. While either is over its
 * limit the caller gets a 429 before any password is verified, so a guesser costs no argon2 run;
 * the same user from another address is unaffected (never a global lockout).
 */
@Injectable()
export class AuthThrottleService {
  private readonly perUser?: RateLimiterAbstract | RateLimiterStoreAbstract;
  private readonly perAddress?: RateLimiterAbstract | RateLimiterStoreAbstract;
  /** Keys this process saw blocked → until when (ms): refused without a database round trip. */
  private readonly blockedHere: TtlCache<string, number>;

  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
    @Inject(THROTTLE_LIMITER_FACTORY) factory: LimiterFactory,
    private readonly bus: InvalidationBus = new InvalidationBus(),
  ) {
    const { maxFailures, maxFailuresPerAddress, windowSeconds } = options.throttle;
    this.blockedHere = new TtlCache(windowSeconds * 1000, 100_000);
    bus.register(BLOCKED, this.blockedHere);
    if (maxFailures > 0) this.perUser = factory({ keyPrefix: 'u', points: maxFailures, duration: windowSeconds, blockDuration: windowSeconds });
    if (maxFailuresPerAddress > 0) this.perAddress = factory({ keyPrefix: 'a', points: maxFailuresPerAddress, duration: windowSeconds, blockDuration: windowSeconds });
  }

  /** Throws TooManyAttemptsError while this address (or this address and user) is blocked. */
  async assertAllowed(ip: string | undefined, username: string): Promise<void> {
    const keys = this.keys(ip, username);
    let waitMs = 0;
    for (const [limiter, key] of keys) {
      const local = this.blockedHere.get(key);
      if (local !== undefined && local > Date.now()) waitMs = Math.max(waitMs, local - Date.now());
    }
    if (waitMs === 0) {
      const states = await Promise.all(keys.map(([limiter, key]) => limiter.get(key)));
      states.forEach((state, i) => {
        if (this.isBlocked(keys[i][0], state)) {
          waitMs = Math.max(waitMs, state!.msBeforeNext);
          this.blockedHere.set(keys[i][1], Date.now() + state!.msBeforeNext);
        }
      });
    }
    if (waitMs > 0) throw new TooManyAttemptsError(Math.max(1, Math.ceil(waitMs / 1000)));
  }

  async recordFailure(ip: string | undefined, username: string): Promise<void> {
    await Promise.all(
      this.keys(ip, username).map(async ([limiter, key]) => {
        let state: RateLimiterRes;
        try {
          state = await limiter.consume(key);
        } catch (refusal) {
          if (!isRes(refusal)) throw refusal;
          state = refusal;
        }
        if (this.isBlocked(limiter, state)) this.blockedHere.set(key, Date.now() + state.msBeforeNext);
      }),
    );
  }

  /** A correct password from this address clears its (address, user) counter. */
  async recordSuccess(ip: string | undefined, username: string): Promise<void> {
    if (!this.perUser) return;
    const key = this.userKey(ip, username);
    this.bus.drop(BLOCKED, key);
    await this.perUser.delete(key);
  }

  private keys(ip: string | undefined, username: string): [RateLimiterAbstract | RateLimiterStoreAbstract, string][] {
    const keys: [RateLimiterAbstract | RateLimiterStoreAbstract, string][] = [];
    if (this.perUser) keys.push([this.perUser, this.userKey(ip, username)]);
    if (this.perAddress) keys.push([this.perAddress, this.digest(`address\n${ip ?? ''}`)]);
    return keys;
  }

  private userKey(ip: string | undefined, username: string): string {
    return this.digest(`user\n${ip ?? ''}\n${username}`);
  }

  /** Keyed with the server secret: the table never reveals addresses or usernames. */
  private digest(text: string): string {
    return createHmac('sha256', this.options.secret).update(text).digest('base64url').slice(0, 43);
  }

  /** `points` failures use the allowance up: the next attempt waits for the window to end. */
  private isBlocked(limiter: RateLimiterAbstract | RateLimiterStoreAbstract, state: RateLimiterRes | null): boolean {
    return state !== null && state.consumedPoints >= limiter.points && state.msBeforeNext > 0;
  }
}

function isRes(value: unknown): value is RateLimiterRes {
  return typeof value === 'object' && value !== null && 'msBeforeNext' in value && !(value instanceof Error);
}
