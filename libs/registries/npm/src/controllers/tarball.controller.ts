import { Controller, Delete, Get, Headers, HttpCode, Param, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AcceptsLinkToken, CurrentPrincipal, Principal, requestMeta } from '@packgate/auth';
import { NotFoundError, PackageService, answerRedirect, sendBlobBody } from '@packgate/registries/core';
import { ChangesService } from '../services/changes.service';
import { NpmAccessService } from '../services/npm-access.service';
import { NpmTokensOnly } from './npm-tokens-only';
import { NpmExceptionFilter } from '../npm-exception.filter';
import { NpmUpstreamService } from '../upstream/npm-upstream.service';
import { routeName } from './route-names';

/**
 * Tarballs at the `dist.tarball` URLs the packument hands out: `/<name>/-/<name>-<v>.tgz`, scoped
 * `/@scope/name/-/name-<v>.tgz` (literal slash, as on registry.npmjs.org; `%2f` works too).
 *
 * install:    GET <dist.tarball>, with the token when on the registry's host (npm-registry-fetch
 *             auth.js) → 200 bytes, ETag = content digest; npm verifies `dist.integrity`. A name the
 *             org does not publish comes from its npm upstream (downloaded once, verified, stored).
 * unpublish:  DELETE <tarball path>/-rev/<rev> after the version was dropped (libnpmpublish
 *             unpublish.js) → 200 even when the PUT already removed the file.
 */
@ApiExcludeController()
@UseFilters(NpmExceptionFilter)
@NpmTokensOnly()
@Controller(':org/npm')
export class TarballController {
  constructor(
    private readonly access: NpmAccessService,
    private readonly packages: PackageService,
    private readonly changes: ChangesService,
    private readonly upstream: NpmUpstreamService,
  ) {}

  @AcceptsLinkToken()
  @Get([':name/-/:filename', ':scope/:name/-/:filename'])
  async download(
    @CurrentPrincipal() principal: Principal,
    @Param() params: { org: string; scope?: string; name: string; filename: string },
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const route = await this.access.readRoute(principal, params.org, routeName(params));
    const file = route.kind === 'upstream' ? await this.upstream.tarball(route.settings, route.pkg, route.name, params.filename) : await this.packages.findFile(route.pkg.id, params.filename);
    if (!file) throw new NotFoundError(`no tarball ${params.filename.slice(0, 100)} in ${route.name.full}`);
    const etag = `"${file.blobDigest}"`;
    res.setHeader('ETag', etag);
    const shared = route.kind === 'local' && !route.pkg.private;
    res.setHeader('Cache-Control', shared ? 'public, max-age=31536000, immutable' : 'private, max-age=31536000, immutable');
    if (ifNoneMatch === etag) {
      res.status(304).end();
      return;
    }
    const redirect = await this.packages.downloadUrl(file);
    if (redirect) return answerRedirect(res, redirect);
    const body = await this.packages.openBody(file);
    res.status(200);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(file.size));
    await sendBlobBody(res, body);
  }

  @Delete([':name/-/:filename/-rev/:rev', ':scope/:name/-/:filename/-rev/:rev'])
  @HttpCode(200)
  async remove(@CurrentPrincipal() principal: Principal, @Param() params: { org: string; scope?: string; name: string; filename: string }, @Req() req: Request): Promise<{ ok: true }> {
    await this.changes.deleteTarball(principal, params.org, routeName(params), params.filename, requestMeta(req));
    return { ok: true };
  }
}
