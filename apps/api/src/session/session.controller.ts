import { Body, Controller, ForbiddenException, Get, HttpCode, Inject, Post, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  ANONYMOUS,
  AuditService,
  CurrentPrincipal,
  IdentityService,
  PasswordLoginService,
  Principal,
  RetryLaterError,
  RestApi,
  SESSION_COOKIE,
  SessionService,
  can,
  clientIp,
} from '@packgate/auth';
import { PACKGATE_CONFIG } from '../config/config.constants';
import type { PackgateConfig } from '../config/config';
import { ErrorDto, MeDto } from '../rest/dto';
import { LoginDto } from './login.dto';
import { describePrincipal } from './me';

/** Dashboard sign-in: a session cookie for users holding `dashboard` in at least one org. */
@ApiTags('session')
@Controller('api/v1')
export class SessionController {
  constructor(
    private readonly identity: IdentityService,
    private readonly logins: PasswordLoginService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    @Inject(PACKGATE_CONFIG) private readonly config: PackgateConfig,
  ) {}

  @Post('auth/login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in; sets the session cookie used by the dashboard and Swagger UI' })
  @ApiOkResponse({ type: MeDto })
  @ApiUnauthorizedResponse({ type: ErrorDto })
  async login(@Body() body: LoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<MeDto> {
    let user;
    try {
      user = await this.logins.check(clientIp(req), body.username, body.password);
    } catch (error) {
      if (error instanceof RetryLaterError) {
        const action = error.status === 429 ? 'auth.throttled' : 'auth.busy';
        await this.audit.recordRepeated({ principal: ANONYMOUS, action, resource: 'session', result: 'denied', ip: clientIp(req), details: { reason: error.message } });
      }
      throw error;
    }
    if (!user) {
      await this.audit.recordRepeated({ principal: ANONYMOUS, action: 'auth.login', resource: 'session', result: 'failure', ip: clientIp(req), details: { reason: 'invalid username or password' } });
      throw new UnauthorizedException('invalid username or password');
    }
    const principal = await this.identity.userPrincipal(user, 'session');
    const dashboardOrg = [...principal.memberships.keys()].find((org) => can(principal, { action: 'org:use-dashboard', resource: { kind: 'org', org } }).allowed);
    if (!dashboardOrg) {
      await this.audit.record({ principal, action: 'auth.login', resource: 'session', result: 'denied', ip: clientIp(req), details: { reason: 'needs role dashboard' } });
      throw new ForbiddenException('this account may not use the dashboard (needs role dashboard)');
    }
    const cookie = await this.sessions.create(user.id);
    res.cookie(SESSION_COOKIE, cookie, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.publicUrl.startsWith('https:'),
      path: '/',
      maxAge: this.sessions.lifetimeMs,
    });
    await this.audit.record({ principal, action: 'auth.login', resource: 'session', result: 'success', ip: clientIp(req) });
    return describePrincipal(principal, this.identity);
  }

  @Post('auth/logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End the dashboard session' })
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (cookie) await this.sessions.destroy(cookie);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('me')
  @RestApi()
  @ApiCookieAuth()
  @ApiOperation({ summary: 'Who am I: username, admin flag, memberships and roles' })
  @ApiOkResponse({ type: MeDto })
  me(@CurrentPrincipal() principal: Principal): Promise<MeDto> {
    return describePrincipal(principal, this.identity);
  }
}
