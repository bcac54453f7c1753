import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { IdentityService } from '../identity/identity.service';
import { PasswordService } from '../passwords/password.service';
import { readCredentials, tokenInBasic } from './credentials';
import { STRATEGY } from './strategy-names';
import { StrategyResult, notMine, rejected } from './strategy-result';

const INVALID = 'invalid username or password';

/** Basic `user:password` (pip, twine, docker login). The refusal never says whether the user exists. */
@Injectable()
export class BasicPasswordStrategy extends PassportStrategy(Strategy, STRATEGY.basicPassword) {
  constructor(
    private readonly identity: IdentityService,
    private readonly passwords: PasswordService,
  ) {
    super();
  }

  async validate(req: Request): Promise<StrategyResult> {
    const credentials = readCredentials(req);
    if (credentials.scheme === 'basic-malformed') return rejected('basic', 'malformed Basic credentials (expected base64 of user:password)');
    if (credentials.scheme !== 'basic' || tokenInBasic(credentials)) return notMine('basic');
    const { username, password } = credentials;
    if (username === '' || password === '' || username.length > 64 || password.length > 1024) return rejected('basic', INVALID);
    const user = await this.identity.findUserByUsername(username);
    if (!user) {
      await this.passwords.verifyNobody(password);
      return rejected('basic', INVALID);
    }
    if (user.disabled || !(await this.passwords.verify(user, password))) return rejected('basic', INVALID);
    return this.identity.userPrincipal(user, 'password');
  }
}
