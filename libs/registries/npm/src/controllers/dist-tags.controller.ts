import { Controller, Delete, Get, Param, Put, Req, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentPrincipal, Principal, requestMeta } from '@packgate/auth';
import { ChangesService } from '../services/changes.service';
import { NpmTokensOnly } from './npm-tokens-only';
import { NpmExceptionFilter } from '../npm-exception.filter';
import { readSmallJson } from '../wire/publish-body-reader';

/**
 * dist-tags (npm lib/commands/dist-tag.js; registry API "dist-tags" endpoints):
 *   npm dist-tag ls p        GET    /-/package/<esc>/dist-tags            → {"latest": "1.0.0", ...}
 *   npm dist-tag add p@v t   GET    /-/package/<esc>/dist-tags, then
 *                            PUT    /-/package/<esc>/dist-tags/<t>        body: "1.0.0" (JSON string)
 *   npm dist-tag rm p t      DELETE /-/package/<esc>/dist-tags/<t>
 */
@ApiExcludeController()
@UseFilters(NpmExceptionFilter)
@NpmTokensOnly()
@Controller(':org/npm/-/package')
export class DistTagsController {
  constructor(private readonly changes: ChangesService) {}

  @Get(':name/dist-tags')
  list(@CurrentPrincipal() principal: Principal, @Param('org') org: string, @Param('name') name: string): Promise<Record<string, string>> {
    return this.changes.distTags(principal, org, name);
  }

  @Put(':name/dist-tags/:tag')
  async add(@CurrentPrincipal() principal: Principal, @Param('org') org: string, @Param('name') name: string, @Param('tag') tag: string, @Req() req: Request): Promise<Record<string, string>> {
    const version = await readSmallJson(req);
    return this.changes.setDistTag(principal, org, name, tag, version, requestMeta(req));
  }

  @Delete(':name/dist-tags/:tag')
  remove(@CurrentPrincipal() principal: Principal, @Param('org') org: string, @Param('name') name: string, @Param('tag') tag: string, @Req() req: Request): Promise<Record<string, string>> {
    return this.changes.removeDistTag(principal, org, name, tag, requestMeta(req));
  }
}
