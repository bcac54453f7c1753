import { Controller, Delete, Get, HttpCode, Param, Post, Req, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentPrincipal, Principal, requestMeta } from '@packgate/auth';
import { NpmTokensOnly } from './npm-tokens-only';
import { NpmExceptionFilter } from '../npm-exception.filter';
import { NpmTokensService } from '../services/npm-tokens.service';
import { readSmallJson } from '../wire/publish-body-reader';

/**
 * npm v1 tokens API (npm lib/commands/token.js, npm-profile lib/index.js):
 *   npm token list             GET    /-/npm/v1/tokens  → {objects: [{key, token, name, created, readonly, cidr_whitelist, ...}], urls: {next}}
 *   npm token create [--read-only] [--cidr=..] [--expires=days] [--name=..] --password=..
 *                              POST   /-/npm/v1/tokens  {name, password, readonly?, expires?, cidr_whitelist?, ...}
 *                              → {token, key, name, created, readonly, cidr_whitelist, expires}
 *   npm token revoke <id|token> GET the list, match the key prefix, then
 *                              DELETE /-/npm/v1/tokens/token/<key>
 * The password npm insists on sending is not used: the calling token (with role api) is the credential.
 */
@ApiExcludeController()
@UseFilters(NpmExceptionFilter)
@NpmTokensOnly()
@Controller(':org/npm/-/npm/v1/tokens')
export class NpmTokensController {
  constructor(private readonly tokens: NpmTokensService) {}

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Param('org') org: string) {
    return this.tokens.list(principal, org);
  }

  @Post()
  @HttpCode(201)
  async create(@CurrentPrincipal() principal: Principal, @Param('org') org: string, @Req() req: Request) {
    return this.tokens.create(principal, org, await readSmallJson(req), requestMeta(req));
  }

  @Delete('token/:key')
  @HttpCode(204)
  async revoke(@CurrentPrincipal() principal: Principal, @Param('org') org: string, @Param('key') key: string, @Req() req: Request): Promise<void> {
    await this.tokens.revoke(principal, org, key, requestMeta(req));
  }
}
