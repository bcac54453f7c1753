import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { sessionCookieApplies } from '../guards/browser-session';
import { IdentityService } from '../identity/identity.service';
import { SESSION_COOKIE, SessionService } from '../sessions/session.service';
import { readCredentials } from './auth-context';
import { STRATEGY } from './strategy-names';
import { StrategyResult, notMine, rejected } from './strategy-result';

/** The dashboard session cookie: only on /api routes (browser-session.ts), only without an Authorization header. */
@Injectable()
export class SessionStrategy extends PassportStrategy(Strategy, STRATEGY.session) {
  constructor(
    private readonly sessions: SessionService,
    private readonly identity: IdentityService,
  ) {
    super();
  }

  async validate(req: Request): Promise<StrategyResult> {
    const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (!cookie || !sessionCookieApplies(req) || readCredentials(req).scheme !== 'none') return notMine('session');
    const userId = await this.sessions.resolve(cookie);
    const user = userId === null ? null : await this.identity.findUserById(userId);
    if (!user || user.disabled) return rejected('session', 'session expired or invalid');
    return this.identity.userPrincipal(user, 'session');
  }
}
