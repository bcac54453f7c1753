import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { ANONYMOUS } from '../access/principal';
import { looksLikeToken } from '../macaroons/token-codec';
import { authContextOf } from './auth-context';
import { STRATEGY } from './strategy-names';
import { StrategyResult, rejected } from './strategy-result';

/**
 * Last in the group: succeeds only when no Authorization header was sent. Presented credentials
 * that no strategy accepted are a 401, never a silent downgrade to anonymous.
 */
@Injectable()
export class AnonymousStrategy extends PassportStrategy(Strategy, STRATEGY.anonymous) {
  async validate(req: Request): Promise<StrategyResult> {
    const { credentials, linkToken } = authContextOf(req);
    // A link token the link-token strategy refused is a 401 too, not anonymous.
    if (credentials.scheme === 'none') return linkToken === undefined ? ANONYMOUS : [false, { method: 'anonymous' }];
    if (credentials.scheme === 'other') {
      return rejected('authorization', credentials.name === 'oversized' ? 'Authorization header too large' : `unsupported Authorization scheme "${credentials.name}"`);
    }
    // A pgt_ bearer token was already judged by the token strategy; anything else is not ours.
    if (credentials.scheme === 'bearer' && !looksLikeToken(credentials.token)) return rejected('bearer', 'not a Packgate token');
    return [false, { method: 'anonymous' }];
  }
}
