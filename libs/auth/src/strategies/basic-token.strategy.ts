import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { CredentialRejected } from '../errors';
import { TokenService } from '../tokens/token.service';
import { authContextOf } from './auth-context';
import { tokenInBasic } from './credentials';
import { STRATEGY } from './strategy-names';
import { StrategyResult, notMine, rejected } from './strategy-result';

/** Basic `anything:pgt_…` (twine `__token__`, docker/podman `-p`) and Basic `pgt_…:` (pip token-as-username). */
@Injectable()
export class BasicTokenStrategy extends PassportStrategy(Strategy, STRATEGY.basicToken) {
  constructor(private readonly tokens: TokenService) {
    super();
  }

  async validate(req: Request): Promise<StrategyResult> {
    const { credentials, ip } = authContextOf(req);
    if (credentials.scheme !== 'basic') return notMine('basic-token');
    const token = tokenInBasic(credentials);
    if (!token) return notMine('basic-token');
    try {
      return await this.tokens.authenticate(token, { ip });
    } catch (error) {
      if (error instanceof CredentialRejected) return rejected('basic-token', error.message);
      throw error;
    }
  }
}
