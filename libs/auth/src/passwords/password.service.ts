import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { AUTH_OPTIONS, AuthOptions } from '../auth-options';
import { TtlCache } from '../cache/ttl-cache';
import type { User } from '../entities/user.entity';

export const MIN_PASSWORD_LENGTH = 8;

/**
 * argon2id hashing with a short-lived memory of successful checks, so a pip install with Basic
 * credentials does not run argon2 on every request. The cache key binds the user id, the current
 * password hash and the password (HMAC'd with the server secret): a changed password produces a new
 * hash and so never hits an old entry; disabled users are refused before the cache is consulted.
 */
@Injectable()
export class PasswordService {
  private readonly verified: TtlCache<string, true>;
  /** The argon2 functions in use (a field so tests can count how often the slow path runs). */
  readonly argon2 = { hash: argon2.hash, verify: argon2.verify };
  /** Compared against when the username is unknown, so timing does not reveal which usernames exist. */
  private dummyHash?: Promise<string>;

  constructor(@Inject(AUTH_OPTIONS) private readonly options: AuthOptions) {
    this.verified = new TtlCache(options.passwordCacheSeconds * 1000, 50_000);
  }

  hash(password: string): Promise<string> {
    return this.argon2.hash(password, { type: argon2.argon2id });
  }

  async verify(user: User, password: string): Promise<boolean> {
    const key = this.cacheKey(user, password);
    if (this.verified.get(key)) return true;
    let ok = false;
    try {
      ok = await this.argon2.verify(user.passwordHash, password);
    } catch {
      ok = false;
    }
    if (ok) this.verified.set(key, true);
    return ok;
  }

  /** Spends the same effort as a real check when there is no such user. */
  async verifyNobody(password: string): Promise<false> {
    this.dummyHash ??= this.hash('packgate-no-such-user-password');
    try {
      await this.argon2.verify(await this.dummyHash, password);
    } catch {
      /* always false */
    }
    return false;
  }

  private cacheKey(user: User, password: string): string {
    return createHmac('sha256', this.options.secret).update(`${user.id}\n${user.passwordHash}\n${password}`).digest('base64url');
  }
}
