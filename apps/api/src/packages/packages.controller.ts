import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireOrgAccess, RestApi } from '@packgate/auth';
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
  get(@Param('org') org: string, @Param('type') type: string, @Param('name') name: string, @CurrentPrincipal() principal: Principal): Promise<PackageDetailDto> {
    return this.packages.detail(principal, org, type, name);
  }

  @Patch(':type/:name')
  @ApiOperation({ summary: 'Make public/private or switch permission mode (org:admin)' })
  @ApiOkResponse({ type: PackageSummaryDto })
  update(@Param('org') org: string, @Param('type') type: string, @Param('name') name: string, @Body() body: UpdatePackageDto, @CurrentPrincipal() principal: Principal): Promise<PackageSummaryDto> {
    return this.packages.update(principal, org, type, name, body);
  }

  @Delete(':type/:name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a package with all versions and files (org:admin)' })
  @ApiNoContentResponse()
  delete(@Param('org') org: string, @Param('type') type: string, @Param('name') name: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.packages.delete(principal, org, type, name);
  }
}
