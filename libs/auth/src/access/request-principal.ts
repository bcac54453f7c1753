import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';
import { ANONYMOUS, Principal } from './principal';

type RequestWithPrincipal = Request & { principal?: Principal };

export function getPrincipal(req: Request): Principal {
  return (req as RequestWithPrincipal).principal ?? ANONYMOUS;
}

export function setPrincipal(req: Request, principal: Principal): void {
  (req as RequestWithPrincipal).principal = principal;
}

export function hasPrincipal(req: Request): boolean {
  return (req as RequestWithPrincipal).principal !== undefined;
}

/** Controller parameter: the principal the auth group established for this request. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal =>
  getPrincipal(ctx.switchToHttp().getRequest<Request>()),
);
