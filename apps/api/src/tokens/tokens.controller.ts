import { Body, Controller, Delete, Get, HttpCode, Param, ParseBoolPipe, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiBearerAuth, ApiBody, ApiCookieAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireOrgAccess, RestApi, clientIp } from '@packgate/auth';
import { CreateTokenDto, InspectTokenDto, IssuedTokenDto, TokenDto, TokenInspectionDto } from './token.dto';
import { TokensService } from './tokens.service';

@ApiTags('tokens')
@Controller('api/v1')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Get('orgs/:org/tokens')
  @RestApi()
  @ApiCookieAuth()
  @ApiBearerAuth()
  @RequireOrgAccess('org:manage-own-tokens')
  @ApiOperation({ summary: 'List tokens (never their secrets); all=true lists everyone’s (org:admin)' })
  @ApiQuery({ name: 'all', required: false, type: Boolean })
  @ApiOkResponse({ type: [TokenDto] })
  list(@Param('org') org: string, @Query('all', new ParseBoolPipe({ optional: true })) all: boolean | undefined, @CurrentPrincipal() principal: Principal): Promise<TokenDto[]> {
    return this.tokens.list(principal, org, all ?? false);
  }

  @Post('orgs/:org/tokens')
  @RestApi()
  @ApiCookieAuth()
  @ApiBearerAuth()
  @RequireOrgAccess('org:manage-own-tokens')
  @ApiOperation({ summary: 'Create a token; the secret is in the answer and never shown again' })
  @ApiBody({
    type: CreateTokenDto,
    examples: {
      'read-only': { summary: 'Read PyPI packages (works on a fresh install)', value: { name: 'ci-read', roles: ['api', 'pypi:read'] } },
      upload: { summary: 'Upload to PyPI and npm', value: { name: 'ci-upload', roles: ['pypi:write', 'npm:write'] } },
    },
  })
  @ApiCreatedResponse({ type: IssuedTokenDto })
  create(@Param('org') org: string, @Body() body: CreateTokenDto, @CurrentPrincipal() principal: Principal): Promise<IssuedTokenDto> {
    return this.tokens.create(principal, org, body);
  }

  @Post('orgs/:org/tokens/:id/rotate')
  @RestApi()
  @ApiCookieAuth()
  @ApiBearerAuth()
  @RequireOrgAccess('org:manage-own-tokens')
  @ApiOperation({ summary: 'Rotate: the old secret and every token derived from it stop working at once' })
  @ApiCreatedResponse({ type: IssuedTokenDto })
  rotate(@Param('org') org: string, @Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<IssuedTokenDto> {
    return this.tokens.rotate(principal, org, id);
  }

  @Delete('orgs/:org/tokens/:id')
  @HttpCode(204)
  @RestApi()
  @ApiCookieAuth()
  @ApiBearerAuth()
  @RequireOrgAccess('org:manage-own-tokens')
  @ApiOperation({ summary: 'Delete: the token and every token derived from it stop working at once' })
  @ApiNoContentResponse()
  delete(@Param('org') org: string, @Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.tokens.delete(principal, org, id);
  }

  // Public: the token to inspect is the body, not a credential.
  @Post('tokens/inspect')
  @HttpCode(200)
  @ApiOperation({ summary: 'Is this token valid now, whose is it and what may it do (caveats applied)?' })
  @ApiOkResponse({ type: TokenInspectionDto })
  inspect(@Body() body: InspectTokenDto, @Req() req: Request): Promise<TokenInspectionDto> {
    return this.tokens.inspect(body.token, clientIp(req));
  }
}
