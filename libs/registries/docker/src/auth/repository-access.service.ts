import { Injectable } from '@nestjs/common';
import { Decision, Principal } from '@packgate/auth';
import { PackageAccess, PackageRefusal, PackageTarget } from '@packgate/registries/core';
import { OciAccessError } from '../errors';
import type { RepositoryContext } from '../storage/repository.service';
import { RegistryAction, scopeRestrictionOf } from './scope';

/**
 * HTTP method → registry actions, in one place (distribution `registry/handlers/app.go`,
 * appendAccessRecords): reads pull; writes pull and push; DELETE deletes.
 */
export const METHOD_ACTIONS: Record<string, readonly RegistryAction[]> = {
  GET: ['pull'],
  HEAD: ['pull'],
  POST: ['pull', 'push'],
  PUT: ['pull', 'push'],
  PATCH: ['pull', 'push'],
  DELETE: ['delete'],
};

const REGISTRY_TO_PACKAGE_ACTION = { pull: 'package:read', push: 'package:write', delete: 'package:delete' } as const;

/**
 * Registry actions on top of the core package-access step (PackageAccess), which decides with the
 * one evaluator; this maps its refusal to the OCI answer: anonymous → 401 + challenge; a registry
 * token lacking the scope for something its holder may do → 401 `insufficient_scope` (clients fetch
 * a new token); otherwise 403 DENIED. Docker does not hide repositories: no `not-visible` here.
 */
@Injectable()
export class RepositoryAccessService {
  constructor(private readonly packages: PackageAccess) {}

  target(ctx: RepositoryContext): PackageTarget {
    return { org: ctx.repo.org, type: 'docker', name: ctx.pkg?.normalizedName ?? ctx.repo.packageName };
  }

  /** The evaluator's answer for one action, without throwing (token endpoint, catalog). */
  decide(principal: Principal, ctx: RepositoryContext, action: RegistryAction): Decision {
    if (action === '*') {
      const write = this.packages.decide(principal, this.target(ctx), ctx.pkg, 'package:write');
      return write.allowed ? this.decide(principal, ctx, 'delete') : write;
    }
    return this.packages.decide(principal, this.target(ctx), ctx.pkg, REGISTRY_TO_PACKAGE_ACTION[action]);
  }

  /** Throws the OCI refusal unless every action is allowed. */
  assert(principal: Principal, ctx: RepositoryContext, actions: readonly RegistryAction[], extraScope?: string): void {
    for (const action of actions) {
      if (action === '*') throw new Error('"*" is a token scope, not a request action');
      try {
        this.packages.check(principal, this.target(ctx), ctx.pkg, REGISTRY_TO_PACKAGE_ACTION[action], { hide: false, existing: false });
      } catch (error) {
        if (!(error instanceof PackageRefusal)) throw error;
        const scope = [`repository:${ctx.repo.name}:${actions.join(',')}`, extraScope].filter(Boolean).join(' ');
        throw this.refusal(principal, ctx, action, error, scope);
      }
    }
  }

  private refusal(principal: Principal, ctx: RepositoryContext, action: RegistryAction, refusal: PackageRefusal, scope: string): OciAccessError {
    const tokenScope = scopeRestrictionOf(principal.restrictions);
    if (tokenScope) {
      const unscoped = { ...principal, restrictions: principal.restrictions.filter((restriction) => restriction !== tokenScope) } as Principal;
      if (this.decide(unscoped, ctx, action).allowed) return new OciAccessError('UNAUTHORIZED', refusal.reason, scope, true);
    }
    if (refusal.kind === 'unauthenticated') return new OciAccessError('UNAUTHORIZED', 'authentication required', scope);
    return new OciAccessError('DENIED', refusal.reason, scope);
  }
}
