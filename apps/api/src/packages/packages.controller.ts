import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireOrgAccess, RestApi } from '@packgate/auth';
import { ExistingPackage, PackageAccessRequired, ResolvedPackage } from '@packgate/registries/core';
import { PackageDetailDto, PackageSummaryDto, UpdatePackageDto } from './package.dto';
import { PackagesService } from './packages.service';

@ApiTags('packages')
@ApiCookieAuth()
@ApiBearerAuth()
@RestApi()
@Controller('api/v1/orgs/:org/packages')
export class PackagesController {
  constructor(private readonly packages: PackagesService) {}

  @Get()
  @RequireOrgAccess('org:view')
  @ApiOperation({ summary: 'Packages of the org you may read' })
  @ApiQuery({ name: 'type', required: false, enum: ['pypi', 'npm', 'docker'] })
  @ApiQuery({ name: 'q', required: false, type: String, description: 'substring of the name' })
  @ApiOkResponse({ type: [PackageSummaryDto] })
  list(@Param('org') org: string, @Query('type') type: string | undefined, @Query('q') q: string | undefined, @CurrentPrincipal() principal: Principal): Promise<PackageSummaryDto[]> {
    return this.packages.list(principal, org, type, q);
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
