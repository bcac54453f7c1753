import { All, Controller, Get, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Principal, getPrincipal, requestMeta } from '@packgate/auth';
import { METHOD_ACTIONS, RepositoryAccessService } from '../auth/repository-access.service';
import { RegistryAction, scopeRestrictionOf } from '../auth/scope';
import { OciAccessError, OciError } from '../errors';
import { BlobUploadsHandler } from '../services/blob-uploads.handler';
import { BlobsHandler } from '../services/blobs.handler';
import { ManifestsHandler } from '../services/manifests.handler';
import { ReferrersHandler } from '../services/referrers.handler';
import type { RegistryRequest } from '../services/registry-request';
import { TagsHandler, sendPage } from '../services/tags.handler';
import { RegistryRoute, parsePagination, parseRoute, repositoryNameOf } from '../wire/names';
import { OciExceptionFilter } from '../oci-exception.filter';
import { RepositoryService } from '../services/repository.service';
import { PullThroughService } from '../upstream/pull-through.service';

type Handler = (request: RegistryRequest<any>) => Promise<void>;

/**
 * The Docker Registry HTTP API v2 / OCI distribution-spec v1.1 under `/v2`
 * (https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md). Repository names
 * contain `/`, so everything below `/v2/` goes through one dispatcher that recognises the trailing
 * segment (names.ts), checks access once per request through the evaluator (method → action table
 * in repository-access.service.ts), then calls the handler of that resource.
 *
 * Client sequences (observed with skopeo 1.9.3, podman 4.3.1, docker CLI 28):
 * - login: `GET /v2/` without credentials → 401 + Bearer challenge; `GET /v2/token?account=…&service=…`
 *   with Basic → token; `GET /v2/` with the Bearer token → 200 (docker login adds
 *   `client_id=docker&offline_token=true`).
 * - push: ping, token with `scope=repository:<name>:pull,push`, per blob HEAD (404) → POST → PATCH
 *   → PUT ?digest, then PUT manifest; a cross-repo mount asks for `repository:<src>:pull` too.
 * - pull: ping, token (pull), GET manifest (Accept: OCI/Docker types), HEAD/GET blobs.
 */
@ApiExcludeController()
@UseFilters(OciExceptionFilter)
@Controller('v2')
export class RegistryController {
  private readonly handlers: Record<string, Handler>;

  constructor(
    private readonly repositories: RepositoryService,
    private readonly access: RepositoryAccessService,
    private readonly pullThrough: PullThroughService,
    blobs: BlobsHandler,
    uploads: BlobUploadsHandler,
    manifests: ManifestsHandler,
    tags: TagsHandler,
    referrers: ReferrersHandler,
  ) {
    this.handlers = {
      'blob GET': (r) => blobs.get(r),
      'blob HEAD': (r) => blobs.get(r),
      'blob DELETE': (r) => blobs.delete(r),
      'upload POST': (r) => (r.route.uploadId === null ? uploads.start(r) : Promise.reject(new OciError('UNSUPPORTED'))),
      'upload PATCH': (r) => uploads.patch(r),
      'upload PUT': (r) => uploads.put(r),
      'upload GET': (r) => uploads.status(r),
      'upload DELETE': (r) => uploads.cancel(r),
      'manifest GET': (r) => manifests.get(r),
      'manifest HEAD': (r) => manifests.get(r),
      'manifest PUT': (r) => manifests.put(r),
      'manifest DELETE': (r) => manifests.delete(r),
      'tags GET': (r) => tags.list(r),
      'referrers GET': (r) => referrers.list(r),
    };
  }

  /** Ping: 401 + challenge without credentials (clients learn the challenge here only), else 200. */
  @Get()
  ping(@Req() req: Request, @Res() res: Response): void {
    const principal = getPrincipal(req);
    if (principal.kind === 'anonymous' && !scopeRestrictionOf(principal.restrictions)) throw new OciError('UNAUTHORIZED');
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    res.status(200).json({});
  }

  /** `GET /v2/_catalog[?n=&last=]`: the repositories the caller may pull, in ASCII order. */
  @Get('_catalog')
  async catalog(@Req() req: Request, @Res() res: Response): Promise<void> {
    const principal = this.catalogPrincipal(getPrincipal(req));
    const { n, last } = parsePagination(req.query as Record<string, unknown>);
    const visible: string[] = [];
    for (const pkg of await this.repositories.listRepositories()) {
      if (!pkg.org) continue;
      const ctx = { repo: repositoryNameOf(pkg.org.slug, pkg.normalizedName), org: pkg.org, pkg };
      if (this.access.decide(principal, ctx, 'pull').allowed) visible.push(ctx.repo.name);
    }
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    sendPage(res, '/v2/_catalog', visible.sort(), n, last, (repositories) => ({ repositories }));
  }

  @All('*path')
  async dispatch(@Req() req: Request, @Res() res: Response): Promise<void> {
    const route = parseRoute(req.path.slice('/v2/'.length));
    if (!route) throw new OciError('NOT_FOUND', 'unknown registry route');
    const handler = this.handlers[`${route.kind} ${req.method}`];
    if (!handler) throw new OciError('UNSUPPORTED', `${req.method} is not supported here`);
    const principal = getPrincipal(req);
    const ctx = await this.repositories.context(route.repo);
    const proxy = await this.pullThrough.proxied(ctx);
    this.access.assert(principal, ctx, actionsFor(route, req.method), mountScope(route, req), proxy ? await this.pullThrough.accessHint(ctx) : undefined);
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    const meta = requestMeta(req);
    await this.pullThrough.prepare(proxy, { req, res, principal, meta, route, ctx });
    await handler({ req, res, principal, meta, route, ctx });
  }

  /** A registry token needs `registry:catalog:*`; with it, the listing shows what its holder may pull. */
  private catalogPrincipal(principal: Principal): Principal {
    const scope = scopeRestrictionOf(principal.restrictions);
    if (!scope) return principal;
    if (!scope.catalog) throw new OciAccessError('UNAUTHORIZED', 'token has no registry:catalog:* scope', 'registry:catalog:*', true);
    return { ...principal, restrictions: principal.restrictions.filter((restriction) => restriction !== scope) } as Principal;
  }
}

/** Upload sessions are part of a push whatever the method (c/image DELETEs a session after a refused mount). */
function actionsFor(route: RegistryRoute, method: string): readonly RegistryAction[] {
  return route.kind === 'upload' ? ['pull', 'push'] : (METHOD_ACTIONS[method] ?? ['pull']);
}

function mountScope(route: RegistryRoute, req: Request): string | undefined {
  const from = route.kind === 'upload' && typeof req.query.from === 'string' ? req.query.from : undefined;
  return from && /^[a-z0-9._/-]{1,255}$/.test(from) ? `repository:${from}:pull` : undefined;
}
