import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AcceptsLinkToken, CurrentPrincipal, Principal, RequireOrgAccess } from '@packgate/auth';
import { FeedService } from './feed.service';

/**
 * Atom feed (RFC 4287) of new releases in an org: the latest package versions the caller may read.
 * Needs `org:read-feed` (a member, or a token with role `feed`) and, per package, read access.
 * Feed readers that cannot send headers pass a read-only token as `?auth_token=pgt_…`.
 */
@ApiTags('feed')
@ApiBearerAuth()
@Controller('api/v1/orgs/:org')
export class FeedController {
  constructor(private readonly feed: FeedService) {}

  @Get('feed.atom')
  @AcceptsLinkToken()
  @RequireOrgAccess('org:read-feed')
  @Header('Content-Type', 'application/atom+xml; charset=utf-8')
  @Header('Cache-Control', 'private, no-store')
  @Header('Referrer-Policy', 'no-referrer')
  @ApiOperation({ summary: 'Atom feed of new releases of the packages you may read (role feed for tokens)' })
  @ApiProduces('application/atom+xml')
  @ApiQuery({ name: 'auth_token', required: false, type: String, description: 'read-only link token for feed readers that cannot send headers' })
  @ApiOkResponse({ description: 'Atom 1.0 document', schema: { type: 'string' } })
  atom(@Param('org') org: string, @CurrentPrincipal() principal: Principal): Promise<string> {
    return this.feed.atom(principal, org);
  }
}
