import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Principal } from '../access/principal';
import { ANONYMOUS } from '../access/principal';
import { hasPrincipal, setPrincipal } from '../access/request-principal';
import { AUTH_OPTIONS, AuthOptions } from '../auth-options';
import { AuditService } from '../audit/audit.service';
import { userCredentialsRefusal } from '../access/evaluator';
import type { PackageType } from '../access/roles';
import { ACCEPTS_LINK_TOKEN } from '../decorators/accepts-link-token.decorator';
import { REGISTRY_FORMAT } from '../decorators/registry-format.decorator';
import { AuthenticationError, RetryLaterError } from '../errors';
import { IGNORES_CREDENTIALS } from '../decorators/ignores-credentials.decorator';
import { AuthStrategyRegistry } from '../strategies/auth-strategy-registry';
import { createAuthContext } from '../strategies/auth-context';
import { clientIp } from '../strategies/credentials';
import type { Refusal } from '../strategies/strategy-result';
import { authFailures, reasonLabel } from './auth-metrics';
import { crossOriginWriteRefusal } from './browser-session';

/**
 * Runs the auth group on every request and stores the resulting principal. Wrong credentials are a
 * 401 (AuthenticationError, written by the format's filter with its own challenge); no credentials
 * give the anonymous principal and the evaluator decides.
 */
@Injectable()
export class AuthGroupGuard implements CanActivate {
  constructor(
    private readonly strategies: AuthStrategyRegistry,
    private readonly audit: AuditService,
    private readonly reflector: Reflector,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (hasPrincipal(req)) return true;
    if (this.reflector.getAllAndOverride<boolean | undefined>(IGNORES_CREDENTIALS, [context.getHandler(), context.getClass()])) {
      setPrincipal(req, ANONYMOUS);
      return true;
    }
    const targets = [context.getHandler(), context.getClass()];
    const format = this.reflector.getAllAndOverride<PackageType | undefined>(REGISTRY_FORMAT, targets);
    // The route's metadata, not marks on the request, tells the strategies what it accepts.
    createAuthContext(req, {
      acceptsLinkToken: this.reflector.getAllAndOverride<boolean | undefined>(ACCEPTS_LINK_TOKEN, targets) === true,
      passwordRefusal: format ? userCredentialsRefusal(format) : undefined,
    });
    const crossOrigin = crossOriginWriteRefusal(req, this.options.publicUrl?.());
    if (crossOrigin) {
      setPrincipal(req, ANONYMOUS);
      await this.audit.recordRepeated({ org: typeof req.params?.org === 'string' ? req.params.org.slice(0, 64) : null, principal: ANONYMOUS, action: 'auth.cross-origin-refused', resource: `${req.method} ${req.path}`, result: 'denied', ip: clientIp(req), details: { origin: String(req.headers.origin ?? '').slice(0, 200), secFetchSite: String(req.headers['sec-fetch-site'] ?? '').slice(0, 20) } }, 'cross-origin');
      throw new ForbiddenException(crossOrigin);
    }
    let outcome: { principal?: Principal; refusals: (Refusal | undefined)[] };
    try {
      outcome = await this.run(req);
    } catch (error) {
      if (error instanceof RetryLaterError) await this.auditRefusal(req, error);
      throw error;
    }
    const { principal, refusals } = outcome;
    if (principal) {
      setPrincipal(req, principal);
      return true;
    }
    const reasons: Record<string, string> = {};
    for (const refusal of refusals) if (refusal?.reason) reasons[refusal.method] = refusal.reason;
    if (Object.keys(reasons).length === 0) reasons.authorization = 'credentials not recognised';
    for (const [method, reason] of Object.entries(reasons)) authFailures.inc({ method, reason: reasonLabel(reason) });
    setPrincipal(req, ANONYMOUS);
    await this.audit.recordRepeated({
      org: typeof req.params?.org === 'string' ? req.params.org.slice(0, 64) : null,
      principal: ANONYMOUS,
      action: 'auth.failed',
      resource: `${req.method} ${req.path}`,
      result: 'failure',
      ip: clientIp(req),
      details: { reasons },
    }, Object.entries(reasons).map(([method, reason]) => [method, reasonLabel(reason)]));
    throw new AuthenticationError(reasons);
  }

  /** Throttled or saturated password checks: one aggregated row per address and kind. */
  private auditRefusal(req: Request, error: RetryLaterError): Promise<void> {
    return this.audit.recordRepeated({
      org: typeof req.params?.org === 'string' ? req.params.org.slice(0, 64) : null,
      principal: ANONYMOUS,
      action: error.status === 429 ? 'auth.throttled' : 'auth.busy',
      resource: `${req.method} ${req.path}`,
      result: 'denied',
      ip: clientIp(req),
      details: { reason: error.message },
    });
  }

  /**
   * Each strategy in turn, as Passport's multi-strategy authenticate would: the first principal
   * wins; a refusal (`[false, refusal]`, or nothing) is kept and the next strategy is tried; an
   * error ends the group.
   */
  private async run(req: Request): Promise<{ principal?: Principal; refusals: (Refusal | undefined)[] }> {
    const refusals: (Refusal | undefined)[] = [];
    for (const strategy of this.strategies.strategies) {
      const result = await strategy.validate(req);
      const [principal, refusal] = Array.isArray(result) ? result : [result, undefined];
      if (principal) return { principal, refusals: [] };
      refusals.push(refusal);
    }
    return { refusals };
  }
}
