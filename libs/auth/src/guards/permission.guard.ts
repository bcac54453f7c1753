import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AccessService } from '../access/access.service';
import { getPrincipal } from '../access/request-principal';
import { REQUIRE_ACCESS, REST_API, RequiredAccess } from '../decorators/require-access.decorator';

/** Applies the route's declared requirements through the one evaluator. */
@Injectable()
export class PermissionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const isRest = this.reflector.getAllAndOverride<boolean | undefined>(REST_API, targets);
    const required = this.reflector.getAllAndOverride<RequiredAccess | undefined>(REQUIRE_ACCESS, targets);
    if (!isRest && !required) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const principal = getPrincipal(req);
    const orgParam = typeof req.params?.org === 'string' ? req.params.org : undefined;
    if (isRest) {
      if (orgParam !== undefined) this.access.assert(principal, { action: 'org:use-api', resource: { kind: 'org', org: orgParam } });
      else this.access.assert(principal, { action: 'installation:use-api', resource: { kind: 'installation' } });
    }
    if (required?.scope === 'installation') {
      this.access.assert(principal, { action: required.action, resource: { kind: 'installation' } });
    } else if (required) {
      const org = String(req.params[required.param] ?? '');
      this.access.assert(principal, { action: required.action, resource: { kind: 'org', org } });
    }
    return true;
  }
}
