import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { IdentityService } from '../identity/identity.service';
import { PasswordLoginService } from '../passwords/password-login.service';
import { authContextOf } from './auth-context';
import { tokenInBasic } from './credentials';
import { STRATEGY } from './strategy-names';
import { StrategyResult, notMine, rejected } from './strategy-result';

const INVALID = 'invalid username or password';

/**
 * Basic `user:password` (pip, twine, docker login, REST). The refusal never says whether the user
 * exists; throttling and argon2 happen in PasswordLoginService (a 429/503 there propagates as an
 * error to the format's filter).
 */
@Injectable()
export class BasicPasswordStrategy extends PassportStrategy(Strategy, STRATEGY.basicPassword) {
  constructor(
    private readonly identity: IdentityService,
    private readonly logins: PasswordLoginService,
  ) {
    super();
  }

  async validate(req: Request): Promise<StrategyResult> {
    const { credentials, passwordRefusal, ip } = authContextOf(req);
    if (credentials.scheme === 'basic-malformed') return rejected('basic', 'malformed Basic credentials (expected base64 of user:password)');
    if (credentials.scheme !== 'basic' || tokenInBasic(credentials)) return notMine('basic');
    if (passwordRefusal) return rejected('basic', passwordRefusal);
    const { username, password } = credentials;
    if (username === '' || password === '' || username.length > 64 || password.length > 1024) return rejected('basic', INVALID);
    const user = await this.logins.check(ip, username, password);
    if (!user) return rejected('basic', INVALID);
    return this.identity.userPrincipal(user, 'password');
  }
}
