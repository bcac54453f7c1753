import { Injectable } from '@nestjs/common';
import { Decision, PackageAction, Principal } from '@packgate/auth';
import { PackageAccess, PackageRefusal, PackageTarget } from '@packgate/registries/core';
import { OciAccessError } from '../errors';
import type { RepositoryContext } from '../services/repository.service';
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

/** A repository proxied from the org's upstream (it may not exist yet): what the evaluator needs. */
export interface UpstreamAccess {
  upstream: true;
  upstreamAnonymousReads: boolean;
}

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
  decide(principal: Principal, ctx: RepositoryContext, action: RegistryAction, upstream?: UpstreamAccess): Decision {
    if (action === '*') {
      const write = this.decideOne(principal, ctx, 'package:write', upstream);
      return write.allowed ? this.decide(principal, ctx, 'delete', upstream) : write;
    }
    return this.decideOne(principal, ctx, REGISTRY_TO_PACKAGE_ACTION[action], upstream);
  }

  private decideOne(principal: Principal, ctx: RepositoryContext, action: PackageAction, upstream?: UpstreamAccess): Decision {
    if (!upstream) return this.packages.decide(principal, this.target(ctx), ctx.pkg, action);
    // The access step's own answer for a proxied repository (which may not exist yet).
    try {
      this.packages.check(principal, this.target(ctx), ctx.pkg, action, { hide: false, existing: false, ...upstream });
      return { allowed: true, reason: 'proxied repository' };
    } catch (error) {
      if (error instanceof PackageRefusal) return { allowed: false, reason: error.reason };
      throw error;
    }
  }

  /** Throws the OCI refusal unless every action is allowed. */
  assert(principal: Principal, ctx: RepositoryContext, actions: readonly RegistryAction[], extraScope?: string, upstream?: UpstreamAccess): void {
    for (const action of actions) {
      if (action === '*') throw new Error('"*" is a token scope, not a request action');
      try {
        this.packages.check(principal, this.target(ctx), ctx.pkg, REGISTRY_TO_PACKAGE_ACTION[action], { hide: false, existing: false, ...upstream });
      } catch (error) {
        if (!(error instanceof PackageRefusal)) throw error;
        const scope = [`repository:${ctx.repo.name}:${actions.join(',')}`, extraScope].filter(Boolean).join(' ');
        throw this.refusal(principal, ctx, action, error, scope, upstream);
      }
    }
  }

  private refusal(principal: Principal, ctx: RepositoryContext, action: RegistryAction, refusal: PackageRefusal, scope: string, upstream?: UpstreamAccess): OciAccessError {
    const tokenScope = scopeRestrictionOf(principal.restrictions);
    if (tokenScope) {
      const unscoped = { ...principal, restrictions: principal.restrictions.filter((restriction) => restriction !== tokenScope) } as Principal;
      if (this.decide(unscoped, ctx, action, upstream).allowed) return new OciAccessError('UNAUTHORIZED', refusal.reason, scope, true);
    }
    if (refusal.kind === 'unauthenticated') return new OciAccessError('UNAUTHORIZED', 'authentication required', scope);
    return new OciAccessError('DENIED', refusal.reason, scope);
  }
}
