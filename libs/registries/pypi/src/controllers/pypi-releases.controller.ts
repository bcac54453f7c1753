import { Body, Controller, Delete, HttpCode, Param, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RestApi } from '@packgate/auth';
import { ExistingPackage, PackageAccessRequired, ResolvedPackage } from '@packgate/registries/core';
import { PypiReleaseDto, YankReleaseDto } from './pypi-release.dto';
import { PypiReleasesService } from '../services/pypi-releases.service';

/** REST management of PyPI releases (yank per PEP 592, delete a release or one file); needs package:write. */
@ApiTags('packages')
@ApiCookieAuth()
@ApiBearerAuth()
@RestApi()
@Controller('api/v1/orgs/:org/packages/pypi/:name/versions/:version')
@PackageAccessRequired('package:write', { type: 'pypi', existing: true })
export class PypiReleasesController {
  constructor(private readonly releases: PypiReleasesService) {}

  @Patch()
  @ApiOperation({ summary: 'Yank or un-yank a PyPI release (pip then skips it unless pinned with ==)' })
  @ApiOkResponse({ type: PypiReleaseDto })
  @ApiForbiddenResponse({ description: 'needs package:write (pypi:write, or pypi:<name>:write in package mode)' })
  @ApiNotFoundResponse({ description: 'no such package (or not readable), or no such release' })
  yank(@ResolvedPackage() project: ExistingPackage, @Param('version') version: string, @Body() body: YankReleaseDto, @CurrentPrincipal() principal: Principal): Promise<PypiReleaseDto> {
    return this.releases.yank(principal, project, version, body);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a PyPI release with all its files' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: 'needs package:write' })
  @ApiNotFoundResponse()
  deleteRelease(@ResolvedPackage() project: ExistingPackage, @Param('version') version: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.releases.deleteRelease(principal, project, version);
  }

  @Delete('files/:filename')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete one file of a PyPI release (the release goes when its last file does)' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: 'needs package:write' })
  @ApiNotFoundResponse()
  deleteFile(@ResolvedPackage() project: ExistingPackage, @Param('version') version: string, @Param('filename') filename: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.releases.deleteFile(principal, project, version, filename);
  }
}
