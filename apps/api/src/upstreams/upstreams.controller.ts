import { BadRequestException, Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditService, CurrentPrincipal, Principal, RequireOrgAccess, RestApi, isPackageType } from '@packgate/auth';
import { UpstreamSettings, UpstreamSettingsService, validateUpstreamInput } from '@packgate/registries/core';
import { OrgLookupService } from '../orgs/org-lookup.service';
import { PutUpstreamDto, UpstreamDto, UpstreamPolicyDto } from './upstream.dto';

function view(settings: UpstreamSettings): UpstreamDto {
  return {
    type: settings.type,
    url: settings.url,
    reserved: settings.reserved,
    metadataTtlSeconds: settings.metadataTtlSeconds,
    prefix: settings.prefix,
    hasCredentials: settings.credentials !== null,
    updatedAt: settings.updatedAt,
  };
}

/** Upstream registries per org and format, and the org's anonymous-reads switch (org admins). */
@ApiTags('upstreams')
@ApiCookieAuth()
@ApiBearerAuth()
@RestApi()
@Controller('api/v1/orgs/:org')
export class UpstreamsController {
  constructor(
    private readonly upstreams: UpstreamSettingsService,
    private readonly orgs: OrgLookupService,
    private readonly audit: AuditService,
  ) {}

  @Get('upstreams')
  @RequireOrgAccess('org:manage-upstreams')
  @ApiOperation({ summary: 'Upstream registries of the org (org:admin); credentials are never returned' })
  @ApiOkResponse({ type: [UpstreamDto] })
  async list(@Param('org') slug: string): Promise<UpstreamDto[]> {
    return (await this.upstreams.list((await this.orgs.require(slug)).id)).map(view);
  }

  @Put('upstreams/:type')
  @RequireOrgAccess('org:manage-upstreams')
  @ApiOperation({ summary: 'Set the upstream for pypi, npm or docker (org:admin)' })
  @ApiOkResponse({ type: UpstreamDto })
  async put(@Param('org') slug: string, @Param('type') type: string, @Body() body: PutUpstreamDto, @CurrentPrincipal() principal: Principal): Promise<UpstreamDto> {
    const org = await this.orgs.require(slug);
    const input = validateUpstreamInput(type, body);
    const { settings, created } = await this.upstreams.put(org.id, input);
    const credentials = input.credentials === 'keep' ? 'kept' : input.credentials ? 'set' : 'cleared';
    await this.audit.record({
      org: slug,
      principal,
      action: created ? 'upstream.created' : 'upstream.updated',
      resource: `upstream:${input.type}`,
      result: 'success',
      details: { host: settings.host, reserved: settings.reserved, metadataTtlSeconds: settings.metadataTtlSeconds, prefix: settings.prefix, credentials },
    });
    return view(settings);
  }

  @Delete('upstreams/:type')
  @HttpCode(204)
  @RequireOrgAccess('org:manage-upstreams')
  @ApiOperation({ summary: 'Remove the upstream of a format (org:admin); packages already cached stay until deleted or collected' })
  @ApiNoContentResponse()
  async delete(@Param('org') slug: string, @Param('type') type: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    const org = await this.orgs.require(slug);
    if (!isPackageType(type)) throw new BadRequestException(['type must be one of pypi, npm, docker']);
    const valid = type;
    if (!(await this.upstreams.delete(org.id, valid))) throw new NotFoundException(`no ${valid} upstream in ${slug}`);
    await this.audit.record({ org: slug, principal, action: 'upstream.deleted', resource: `upstream:${valid}`, result: 'success' });
  }

  @Get('upstream-policy')
  @RequireOrgAccess('org:manage-upstreams')
  @ApiOperation({ summary: 'Org-wide upstream settings (org:admin)' })
  @ApiOkResponse({ type: UpstreamPolicyDto })
  async policy(@Param('org') slug: string): Promise<UpstreamPolicyDto> {
    return { anonymousReads: await this.upstreams.anonymousReads((await this.orgs.require(slug)).id) };
  }

  @Put('upstream-policy')
  @RequireOrgAccess('org:manage-upstreams')
  @ApiOperation({ summary: 'Make content proxied from upstreams readable without credentials, or not (org:admin)' })
  @ApiOkResponse({ type: UpstreamPolicyDto })
  async setPolicy(@Param('org') slug: string, @Body() body: UpstreamPolicyDto, @CurrentPrincipal() principal: Principal): Promise<UpstreamPolicyDto> {
    const org = await this.orgs.require(slug);
    await this.upstreams.setAnonymousReads(org.id, body.anonymousReads);
    await this.audit.record({ org: slug, principal, action: 'upstream.policy-changed', resource: `org:${slug}`, result: 'success', details: { anonymousReads: body.anonymousReads } });
    return { anonymousReads: body.anonymousReads };
  }
}
