import { Controller, Get, Inject, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { getPrincipal, readCredentials } from '@packgate/auth';
import type { Principal } from '@packgate/auth';
import { RegistryTokenService } from '../auth/registry-token.service';
import { RepositoryAccessService } from '../auth/repository-access.service';
import { RegistryAction, ScopeEntry, parseScopes } from '../auth/scope';
import { DOCKER_OPTIONS, DockerOptions } from '../docker-options';
import { queryStrings } from '../services/registry-request';
import { parseRepositoryName } from '../wire/names';
import { OciExceptionFilter } from '../oci-exception.filter';
import { RepositoryService } from '../services/repository.service';
import { PullThroughService } from '../upstream/pull-through.service';

const REPOSITORY_ACTIONS: readonly RegistryAction[] = ['pull', 'push', 'delete', '*'];

/**
 * The token realm `GET /v2/token?service=…&scope=…&account=…` (distribution
 * `docs/content/spec/auth/token.md`). Credentials arrive as Basic (user:password or any:token) and
 * are checked by the auth group before this runs (wrong ones → 401); none → an anonymous token.
 * Each requested scope is granted only as far as the evaluator allows — narrowed, never refused
 * (a pull-only caller asking for `pull,push` gets `pull`; the registry then refuses the push).
 * `registry:catalog:*` is granted to every caller (the catalog is filtered per repository).
 * Answer: `{token, access_token, expires_in, issued_at}`. No `refresh_token` is ever returned, so
 * clients keep using this GET (the OAuth2 POST flow is not needed).
 */
@ApiExcludeController()
@UseFilters(OciExceptionFilter)
@Controller('v2/token')
export class TokenController {
  constructor(
    private readonly registryTokens: RegistryTokenService,
    private readonly repositories: RepositoryService,
    private readonly access: RepositoryAccessService,
    private readonly pullThrough: PullThroughService,
    @Inject(DOCKER_OPTIONS) private readonly options: DockerOptions,
  ) {}

  @Get()
  async token(@Req() req: Request, @Res() res: Response): Promise<void> {
    const principal = getPrincipal(req);
    const granted: ScopeEntry[] = [];
    for (const entry of parseScopes(queryStrings(req, 'scope'))) {
      const actions = await this.grant(principal, entry);
      if (actions.length > 0) granted.push({ ...entry, actions });
    }
    const issued = await this.registryTokens.issue(readCredentials(req), principal, this.options.service, granted);
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json({ token: issued.token, access_token: issued.token, expires_in: issued.expiresIn, issued_at: issued.issuedAt.toISOString() });
  }

  private async grant(principal: Principal, entry: ScopeEntry): Promise<string[]> {
    if (entry.type === 'registry') return entry.name === 'catalog' && entry.actions.includes('*') ? ['*'] : [];
    let repo;
    try {
      repo = parseRepositoryName(entry.name);
    } catch {
      return [];
    }
    const ctx = await this.repositories.context(repo);
    const upstream = (await this.pullThrough.proxied(ctx)) ? await this.pullThrough.accessHint(ctx) : undefined;
    const requested = entry.actions.filter((action): action is RegistryAction => (REPOSITORY_ACTIONS as readonly string[]).includes(action));
    return [...new Set(requested)].filter((action) => this.access.decide(principal, ctx, action, upstream).allowed);
  }
}
