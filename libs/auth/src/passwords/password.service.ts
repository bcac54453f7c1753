import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { AUTH_OPTIONS, AuthOptions } from '../auth-options';
import { TtlCache } from '../cache/ttl-cache';
import type { User } from '../entities/user.entity';
import { PasswordCheckBusyError } from '../errors';
import { HashingQueue } from './hashing-queue';

export const MIN_PASSWORD_LENGTH = 8;

/** argon2id with OWASP's current minimum (19 MiB, 2 passes, 1 lane): ~20 ms instead of the library's 64 MiB default. */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * argon2id hashing with a short-lived memory of successful checks, so a pip install with Basic
 * credentials does not run argon2 on every request. The cache key binds the user id, the current
 * password hash and the password (HMAC'd with the server secret): a changed password produces a new
 * hash and so never hits an old entry; disabled users are refused before the cache is consulted.
 * Every argon2 run goes through one bounded queue.
 */
@Injectable()
export class PasswordService {
  private readonly verified: TtlCache<string, true>;
  /** The argon2 functions in use (a field so tests can count how often the slow path runs). */
  readonly argon2 = { hash: argon2.hash, verify: argon2.verify };
  readonly queue: HashingQueue;
  /** Compared against when the username is unknown, so timing does not reveal which usernames exist. */
  private dummyHash?: Promise<string>;

  constructor(@Inject(AUTH_OPTIONS) private readonly options: AuthOptions) {
    this.verified = new TtlCache(options.passwordCacheSeconds * 1000, 50_000);
    this.queue = new HashingQueue(options.hashing.concurrency, options.hashing.maxWaiting);
  }

  hash(password: string): Promise<string> {
    return this.queue.run(() => this.argon2.hash(password, ARGON2_OPTIONS));
  }

  /** True when the stored hash uses other parameters than ARGON2_OPTIONS (upgraded at the next successful login). */
  needsRehash(passwordHash: string): boolean {
    try {
      return argon2.needsRehash(passwordHash, ARGON2_OPTIONS);
    } catch {
      return true;
    }
  }

  async verify(user: User, password: string): Promise<boolean> {
    return (await this.check(user, password)) !== false;
  }

  /** Like verify, and says whether argon2 ran or a remembered success answered. */
  async check(user: User, password: string): Promise<'remembered' | 'verified' | false> {
    const key = this.cacheKey(user, password);
    if (this.verified.get(key)) return 'remembered';
    let ok = false;
    try {
      ok = await this.queue.run(() => this.argon2.verify(user.passwordHash, password));
    } catch (error) {
      if (error instanceof PasswordCheckBusyError) throw error;
      ok = false;
    }
    if (!ok) return false;
    this.verified.set(key, true);
    return 'verified';
  }

  /** Spends the same effort as a real check when there is no such user. */
  async verifyNobody(password: string): Promise<false> {
    this.dummyHash ??= this.argon2.hash('packgate-no-such-user-password', ARGON2_OPTIONS);
    try {
      const dummy = await this.dummyHash;
      await this.queue.run(() => this.argon2.verify(dummy, password));
    } catch (error) {
      if (error instanceof PasswordCheckBusyError) throw error;
    }
    return false;
  }

  private cacheKey(user: User, password: string): string {
    return createHmac('sha256', this.options.secret).update(`${user.id}\n${user.passwordHash}\n${password}`).digest('base64url');
  }
}
