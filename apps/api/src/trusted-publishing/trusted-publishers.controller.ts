import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCookieAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireOrgAccess, RestApi } from '@packgate/auth';
import { CreateTrustedPublisherDto, TrustedPublisherDto } from './trusted-publisher.dto';
import { TrustedPublishersService } from './trusted-publishers.service';

@ApiTags('trusted publishing')
@ApiCookieAuth()
@Controller('api/v1/orgs/:org/trusted-publishers')
export class TrustedPublishersController {
  constructor(private readonly publishers: TrustedPublishersService) {}

  @Get()
  @RestApi()
  @RequireOrgAccess('org:manage-trusted-publishers')
  @ApiOperation({ summary: 'Trusted publishers of the org (org:admin)' })
  @ApiOkResponse({ type: [TrustedPublisherDto] })
  list(@Param('org') org: string): Promise<TrustedPublisherDto[]> {
    return this.publishers.list(org);
  }

  @Post()
  @RestApi()
  @RequireOrgAccess('org:manage-trusted-publishers')
  @ApiOperation({ summary: 'Trust a CI identity (OIDC issuer + claims) to mint short-lived tokens with these roles (org:admin)' })
  @ApiCreatedResponse({ type: TrustedPublisherDto })
  create(@Param('org') org: string, @Body() body: CreateTrustedPublisherDto, @CurrentPrincipal() principal: Principal): Promise<TrustedPublisherDto> {
    return this.publishers.create(principal, org, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @RestApi()
  @RequireOrgAccess('org:manage-trusted-publishers')
  @ApiOperation({ summary: 'Delete a trusted publisher: its ID tokens are refused from now on (org:admin)' })
  @ApiNoContentResponse()
  delete(@Param('org') org: string, @Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.publishers.delete(principal, org, id);
  }
}
