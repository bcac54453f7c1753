import { Controller, Delete, Get, Headers, HttpCode, Param, Put, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Principal, requestMeta } from '@packgate/auth';
import { STALE_WARNING } from '@packgate/registries/core';
import { ChangesService } from '../services/changes.service';
import { NpmTokensOnly } from './npm-tokens-only';
import { NpmExceptionFilter } from '../npm-exception.filter';
import { wantsAbbreviated } from '../wire/packument';
import { PackumentService } from '../services/packument.service';
import { PublishService, PutResult } from '../services/publish.service';
import { routeName } from './route-names';

/**
 * Package documents: read, publish, metadata edits, whole-package unpublish.
 * Registry API: https://github.com/npm/registry/blob/main/docs/REGISTRY-API.md and
 * docs/responses/package-metadata.md; request sequences observed with npm 11.19 (docs/clients.md).
 *
 * install / view:   GET /<name>   (scoped: /@scope%2fname)
 *                   Accept: application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, *\/*
 *                   → abbreviated doc; `Accept: application/json` → full doc. npm 11 installs with
 *                   the full doc. ETag + If-None-Match → 304.
 * publish:          GET /<name> (corgi, `npm-command: publish`; errors ignored; names the org does
 *                   not publish answer 404 here, not their upstream document), then
 *                   PUT /<name>  {_id, name, description, dist-tags, versions: {<v>: manifest},
 *                                 access, _attachments: {"<name>-<v>.tgz": {content_type, data, length}}}
 *                   → 201. Existing version → 409; digests are checked against the decoded bytes.
 * deprecate:        GET /<name>?write=true, then PUT /<name> with the whole doc, versions[v].deprecated
 *                   set ("" = undeprecate); no _attachments.
 * unpublish p@v:    GET /<name>?write=true; PUT /<name>/-rev/<rev> without that version;
 *                   GET /<name>?write=true; DELETE /<tarball path>/-rev/<rev> (tarball.controller).
 * unpublish p (or the last version, --force): GET ?write=true; DELETE /<name>/-rev/<rev>.
 * (libnpmpublish publish.js / unpublish.js, npm lib/commands/deprecate.js.) `_rev` is reported but not
 * enforced: writes are serialised per request, not by CouchDB revisions.
 */
@ApiExcludeController()
@UseFilters(NpmExceptionFilter)
@NpmTokensOnly()
@Controller(':org/npm')
export class PackumentController {
  constructor(
    private readonly packuments: PackumentService,
    private readonly publish: PublishService,
    private readonly changes: ChangesService,
  ) {}

  @Get([':name', ':scope/:name'])
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param() params: { org: string; scope?: string; name: string },
    @Headers('accept') accept: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Query('write') write: string | undefined,
    @Headers('npm-command') npmCommand: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const abbreviated = wantsAbbreviated(accept) && write !== 'true';
    // `npm publish` first reads the document to refuse versions (and `latest` moves) below what is
    // there; a name's upstream versions must not stop the org from publishing its own package.
    const localOnly = npmCommand === 'publish';
    const doc = await this.packuments.render(principal, params.org, routeName(params), abbreviated, { localOnly });
    res.setHeader('ETag', doc.etag);
    res.setHeader('Vary', 'Accept, Authorization');
    res.setHeader('Cache-Control', 'private, no-cache');
    if (doc.stale) res.setHeader('Warning', STALE_WARNING);
    if (ifNoneMatch === doc.etag) {
      res.status(304).end();
      return;
    }
    res.status(200).type(abbreviated ? 'application/vnd.npm.install-v1+json; charset=utf-8' : 'application/json; charset=utf-8').send(doc.body);
  }

  @Put(':name')
  async put(@CurrentPrincipal() principal: Principal, @Param('org') org: string, @Param('name') name: string, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<PutResult> {
    const result = await this.publish.put(principal, org, name, req, requestMeta(req), false);
    res.status(result.created ? 201 : 200);
    return result;
  }

  @Put(':name/-rev/:rev')
  async putRevision(@CurrentPrincipal() principal: Principal, @Param('org') org: string, @Param('name') name: string, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<PutResult> {
    const result = await this.publish.put(principal, org, name, req, requestMeta(req), true);
    res.status(result.created ? 201 : 200);
    return result;
  }

  @Delete(':name/-rev/:rev')
  @HttpCode(200)
  async unpublish(@CurrentPrincipal() principal: Principal, @Param('org') org: string, @Param('name') name: string, @Req() req: Request): Promise<{ ok: true }> {
    await this.changes.unpublishPackage(principal, org, name, requestMeta(req));
    return { ok: true };
  }
}
