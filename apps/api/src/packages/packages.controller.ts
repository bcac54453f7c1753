import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireOrgAccess, RestApi } from '@packgate/auth';
import { ExistingPackage, PackageAccessRequired, ResolvedPackage } from '@packgate/registries/core';
import type { Response } from 'express';
import { PackageDetailDto, PackageListQueryDto, PackageSummaryDto, UpdatePackageDto } from './package.dto';
import { PackagesService } from './packages.service';

/** The same listing from `after` on (a path: the client resolves it against the URL it called). */
function nextPageUrl(org: string, { type, q, limit }: PackageListQueryDto, after: string): string {
  const params = new URLSearchParams();
  if (type) params.set('type', type);
  if (q) params.set('q', q);
  if (limit !== undefined) params.set('limit', String(limit));
  params.set('after', after);
  return `/api/v1/orgs/${encodeURIComponent(org)}/packages?${params}`;
}

@ApiTags('packages')
@ApiCookieAuth()
@ApiBearerAuth()
@RestApi()
@Controller('api/v1/orgs/:org/packages')
export class PackagesController {
  constructor(private readonly packages: PackagesService) {}

  @Get()
  @RequireOrgAccess('org:view')
  @ApiOperation({ summary: 'Packages of the org you may read, by type then name, one page at a time' })
  @ApiOkResponse({
    type: [PackageSummaryDto],
    headers: { Link: { description: 'when more packages follow: `<URL of the next page>; rel="next"` (a path with the same filters and `after`)', schema: { type: 'string' } } },
  })
  async list(@Param('org') org: string, @Query() query: PackageListQueryDto, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) res: Response): Promise<PackageSummaryDto[]> {
    const page = await this.packages.list(principal, org, query);
    if (page.next) res.setHeader('Link', `<${nextPageUrl(org, query, page.next)}>; rel="next"`);
    return page.items;
  }

  @Get(':type/:name')
  @RequireOrgAccess('org:view')
  @ApiOperation({ summary: 'One package with its versions and files (scoped npm names and docker paths URL-encoded as one segment)' })
  @ApiOkResponse({ type: PackageDetailDto })
  @PackageAccessRequired('package:view')
  get(@ResolvedPackage() { pkg }: ExistingPackage): Promise<PackageDetailDto> {
    return this.packages.detail(pkg);
  }

  @Patch(':type/:name')
  @ApiOperation({ summary: 'Make public/private or switch permission mode (org:admin)' })
  @ApiOkResponse({ type: PackageSummaryDto })
  @PackageAccessRequired('package:configure', { existing: true })
  update(@ResolvedPackage() { org, pkg }: ExistingPackage, @Body() body: UpdatePackageDto, @CurrentPrincipal() principal: Principal): Promise<PackageSummaryDto> {
    return this.packages.update(principal, org.slug, pkg, body);
  }

  @Delete(':type/:name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a package with all versions and files (org:admin)' })
  @ApiNoContentResponse()
  @PackageAccessRequired('package:configure', { existing: true })
  delete(@ResolvedPackage() { org, pkg }: ExistingPackage, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.packages.delete(principal, org.slug, pkg);
  }
}
