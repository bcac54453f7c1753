import { Injectable, Logger } from '@nestjs/common';
import type { User } from '../entities/user.entity';
import { PasswordCheckBusyError } from '../errors';
import { IdentityService } from '../identity/identity.service';
import { AuthThrottleService } from '../throttle/auth-throttle.service';
import { PasswordService } from './password.service';

/**
 * The one password check for every path (Basic user:password on PyPI, Docker and REST, and the
 * dashboard login): throttle first (429 without argon2 while blocked), then the user and argon2,
 * then the counters. A hash made with older parameters is replaced after a successful check.
 */
@Injectable()
export class PasswordLoginService {
  private readonly logger = new Logger(PasswordLoginService.name);

  constructor(
    private readonly identity: IdentityService,
    private readonly passwords: PasswordService,
    private readonly throttle: AuthThrottleService,
  ) {}

  /**
   * The user when the password is right and the account enabled; null otherwise (never saying
   * which). Throws TooManyAttemptsError while blocked and PasswordCheckBusyError when hashing is
   * saturated.
   */
  async check(ip: string | undefined, username: string, password: string): Promise<User | null> {
    await this.throttle.assertAllowed(ip, username);
    const user = await this.identity.findUserByUsername(username);
    const outcome = user && !user.disabled ? await this.passwords.check(user, password) : await this.passwords.verifyNobody(password);
    if (!user || !outcome) {
      await this.throttle.recordFailure(ip, username);
      return null;
    }
    if (outcome === 'verified') {
      await this.throttle.recordSuccess(ip, username);
      if (this.passwords.needsRehash(user.passwordHash)) return this.upgrade(user, password);
    }
    return user;
  }

  private async upgrade(user: User, password: string): Promise<User> {
    try {
      return await this.identity.updateUser(user, { passwordHash: await this.passwords.hash(password) });
    } catch (error) {
      // Busy or a failed write: the old hash still works; the upgrade happens at a later login.
      if (!(error instanceof PasswordCheckBusyError)) this.logger.warn(`password hash of user ${user.id} not upgraded: ${(error as Error).message}`);
      return user;
    }
  }
}
