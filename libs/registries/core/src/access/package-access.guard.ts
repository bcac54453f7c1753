import { BadRequestException, CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards, applyDecorators, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiParam } from '@nestjs/swagger';
import type { Request } from 'express';
import { PackageAction, PackageType, getPrincipal, isPackageType } from '@packgate/auth';
import type { Package } from '../entities';
import { normalizePackageName } from '../names';
import { PackageAccess, PackageAccessOptions, PackageAccessResult } from './package-access.service';
import type { PackageTarget } from './package-refusal';

const PACKAGE_ROUTE = 'packgate:package-route';

export interface PackageRouteOptions extends PackageAccessOptions {
  /** The package type; without it, the route's `type` parameter (REST), which must name a known type. */
  type?: PackageType;
}

interface PackageRoute {
  action: PackageAction;
  options: PackageRouteOptions;
}

/** What the guard resolved, per request (nothing is written onto the request itself). */
const resolved = new WeakMap<Request, PackageAccessResult>();

/**
 * The route works on the package named by its `org` and `name` parameters and needs `action` on
 * it: the guard runs the package-access step (PackageAccess.require) before the handler, which gets
 * the org and package through `@ResolvedPackage()`. A refusal is a PackageRefusal, answered by the
 * route's exception filter in its format's dialect.
 */
export const PackageAccessRequired = (action: PackageAction, options: PackageRouteOptions = {}) =>
  applyDecorators(
    SetMetadata(PACKAGE_ROUTE, { action, options } satisfies PackageRoute),
    UseGuards(PackageAccessGuard),
    // The handler takes no @Param for these any more; the OpenAPI document still names them.
    ApiParam({ name: 'org', type: String }),
    ...(options.type ? [] : [ApiParam({ name: 'type', type: String })]),
    ApiParam({ name: 'name', type: String }),
  );

/** The `{org, pkg}` the PackageAccessRequired guard resolved for this request. */
export type ResolvedPackage = PackageAccessResult;
/** The same, on a route whose package must exist (reads by default, or `existing: true`). */
export type ExistingPackage = PackageAccessResult & { pkg: Package };
export const ResolvedPackage = createParamDecorator((_data: unknown, ctx: ExecutionContext): PackageAccessResult => {
  const found = resolved.get(ctx.switchToHttp().getRequest<Request>());
  if (!found) throw new Error('@ResolvedPackage() needs @PackageAccessRequired() on the route');
  return found;
});

@Injectable()
export class PackageAccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: PackageAccess,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const route = this.reflector.getAllAndOverride<PackageRoute | undefined>(PACKAGE_ROUTE, [ctx.getHandler(), ctx.getClass()]);
    if (!route) return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    const { type, ...options } = route.options;
    const target = packageTargetOf(req.params as Record<string, string | undefined>, type);
    resolved.set(req, await this.access.require(getPrincipal(req), target, route.action, options));
    return true;
  }
}

/** `{org, type, name}` from route parameters; an unknown `type` parameter is a 400. */
export function packageTargetOf(params: Record<string, string | undefined>, type?: PackageType): PackageTarget {
  const packageType = type ?? params.type;
  if (!packageType || !isPackageType(packageType)) throw new BadRequestException(['type must be one of pypi, npm, docker']);
  const name = params.name ?? '';
  return { org: params.org ?? '', type: packageType, name: normalizePackageName(packageType, name), label: name };
}
