import { Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentPrincipal, PermissionDeniedError, Principal } from '@packgate/auth';
import { RegistryError } from '@packgate/registries/core';
import { NpmAccessService } from '../services/npm-access.service';
import { NpmTokensOnly } from './npm-tokens-only';
import { NpmExceptionFilter } from '../npm-exception.filter';
import { discardBody } from '../wire/publish-body-reader';
import { SearchResult, SearchService } from '../services/search.service';

const LOGIN_REFUSED =
  'npm login is not supported by Packgate: npm authenticates with access tokens only. Create a token with role npm:read or npm:write in the Packgate dashboard (Tokens) and put it in .npmrc as //<host>/<org>/npm/:_authToken=<token>';

/**
 * Small endpoints under `/-/` (npm lib/utils/ping.js, lib/utils/get-identity.js, libnpmsearch,
 * @npmcli/arborist audit-report.js, npm-profile):
 *   npm ping            GET  /-/ping                              → {}
 *   npm whoami          GET  /-/whoami                            → {"username": "..."}
 *   npm search t        GET  /-/v1/search?text=t&size=20&from=0   → {objects, total, time}
 *   npm audit/install   POST /-/npm/v1/security/advisories/bulk   (gzip JSON) → {} (no advisories known)
 *   npm login           POST /-/v1/login (web) → 4xx makes npm fall back to
 *                       PUT  /-/user/org.couchdb.user:<name> (legacy) → 403 with how to get a token
 *   npm logout          DELETE /-/user/token/<token>              → 200 (npm then forgets the token)
 */
@ApiExcludeController()
@UseFilters(NpmExceptionFilter)
@NpmTokensOnly()
@Controller(':org/npm/-')
export class MiscController {
  constructor(
    private readonly access: NpmAccessService,
    private readonly searches: SearchService,
  ) {}

  @Get('ping')
  async ping(@Param('org') org: string): Promise<Record<string, never>> {
    await this.access.org(org);
    return {};
  }

  @Get('whoami')
  async whoami(@CurrentPrincipal() principal: Principal, @Param('org') org: string): Promise<{ username: string }> {
    await this.access.org(org);
    if (principal.kind !== 'token') throw new PermissionDeniedError('authentication required', true);
    if (principal.org !== org) throw new PermissionDeniedError(`token belongs to org "${principal.org}", not "${org}"`, false);
    return { username: principal.username };
  }

  @Get('v1/search')
  search(@CurrentPrincipal() principal: Principal, @Param('org') org: string, @Query('text') text = '', @Query('size') size = '20', @Query('from') from = '0'): Promise<SearchResult> {
    return this.searches.search(principal, org, String(text).slice(0, 200), clamp(size, 1, 250, 20), clamp(from, 0, 100000, 0));
  }

  @Post(['npm/v1/security/advisories/bulk', 'npm/v1/security/audits/quick'])
  @HttpCode(200)
  async audit(@Param('org') org: string, @Req() req: Request): Promise<Record<string, never>> {
    await this.access.org(org);
    await discardBody(req);
    return {};
  }

  @Post('v1/login')
  webLogin(): never {
    throw new RegistryError(LOGIN_REFUSED, 403, 'LOGIN_UNSUPPORTED');
  }

  @Put('user/:couchUser')
  legacyLogin(@Req() req: Request): never {
    req.resume();
    throw new RegistryError(LOGIN_REFUSED, 403, 'LOGIN_UNSUPPORTED');
  }

  @Delete('user/token/:token')
  logout(): { ok: true; message: string } {
    return { ok: true, message: 'npm forgets the token locally; it stays valid until you revoke it (npm token revoke, or the dashboard)' };
  }
}

function clamp(value: string, min: number, max: number, fallback: number): number {
  const parsed = Number.parseInt(String(value), 10);
  return Number.isFinite(parsed) ? Math.min(max, Math.max(min, parsed)) : fallback;
}
