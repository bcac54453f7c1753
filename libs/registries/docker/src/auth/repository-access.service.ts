import { Injectable } from '@nestjs/common';
import { AccessService, Decision, PackageResource, Principal } from '@packgate/auth';
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
 * Asks the one evaluator whether a principal may do registry actions on a repository, and turns a
 * refusal into the OCI answer: anonymous → 401 + challenge; a registry token lacking the scope for
 * something its holder may do → 401 `insufficient_scope` (clients fetch a new token); otherwise
 * 403 DENIED.
 */
@Injectable()
export class RepositoryAccessService {
  constructor(private readonly access: AccessService) {}

  resource(ctx: RepositoryContext): PackageResource {
    return {
      kind: 'package',
      org: ctx.repo.org,
      type: 'docker',
      name: ctx.pkg?.normalizedName ?? ctx.repo.packageName,
      private: ctx.pkg ? ctx.pkg.private : undefined,
      permissionMode: ctx.pkg?.permissionMode,
    };
  }

  /** The evaluator's answer for one action, without throwing (token endpoint, catalog). */
  decide(principal: Principal, ctx: RepositoryContext, action: RegistryAction): Decision {
    const resource = this.resource(ctx);
    if (action === '*') {
      const write = this.access.can(principal, { action: 'package:write', resource });
      return write.allowed ? this.decide(principal, ctx, 'delete') : write;
    }
    return this.access.can(principal, { action: REGISTRY_TO_PACKAGE_ACTION[action], resource });
  }

  /** Throws the OCI refusal unless every action is allowed. */
  assert(principal: Principal, ctx: RepositoryContext, actions: readonly RegistryAction[], extraScope?: string): void {
    for (const action of actions) {
      const decision = this.decide(principal, ctx, action);
      if (decision.allowed) continue;
      const scope = [`repository:${ctx.repo.name}:${actions.join(',')}`, extraScope].filter(Boolean).join(' ');
      throw this.refusal(principal, ctx, action, decision.reason, scope);
    }
  }

  refusal(principal: Principal, ctx: RepositoryContext, action: RegistryAction, reason: string, scope: string): OciAccessError {
    if (principal.kind === 'anonymous' && !scopeRestrictionOf(principal.restrictions)) return new OciAccessError('UNAUTHORIZED', 'authentication required', scope);
    const tokenScope = scopeRestrictionOf(principal.restrictions);
    if (tokenScope) {
      const unscoped = { ...principal, restrictions: principal.restrictions.filter((restriction) => restriction !== tokenScope) } as Principal;
      if (this.decide(unscoped, ctx, action).allowed) return new OciAccessError('UNAUTHORIZED', reason, scope, true);
      if (principal.kind === 'anonymous') return new OciAccessError('UNAUTHORIZED', 'authentication required', scope);
    }
    return new OciAccessError('DENIED', reason, scope);
  }
}
