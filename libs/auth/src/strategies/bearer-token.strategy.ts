import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { CredentialRejected } from '../errors';
import { looksLikeToken } from '../macaroons/token-codec';
import { TokenService } from '../tokens/token.service';
import { authContextOf } from './auth-context';
import { STRATEGY } from './strategy-names';
import { StrategyResult, notMine, rejected } from './strategy-result';

/** `Authorization: Bearer pgt_…` (npm `_authToken`, REST clients). */
@Injectable()
export class BearerTokenStrategy extends PassportStrategy(Strategy, STRATEGY.bearerToken) {
  constructor(private readonly tokens: TokenService) {
    super();
  }

  async validate(req: Request): Promise<StrategyResult> {
    const { credentials, ip } = authContextOf(req);
    if (credentials.scheme !== 'bearer' || !looksLikeToken(credentials.token)) return notMine('bearer');
    try {
      return await this.tokens.authenticate(credentials.token, { ip });
    } catch (error) {
      if (error instanceof CredentialRejected) return rejected('bearer', error.message);
      throw error;
    }
  }
}
