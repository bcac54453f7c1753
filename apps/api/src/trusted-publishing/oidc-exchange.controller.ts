import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { IgnoresCredentials, clientIp } from '@packgate/auth';
import { ExchangeThrottle } from './exchange-throttle';
import { OidcExchangeService } from './oidc-exchange.service';
import { OidcExchangeDto, OidcExchangeResultDto } from './trusted-publisher.dto';

@ApiTags('trusted publishing')
@Controller('api/v1/orgs/:org/oidc')
export class OidcExchangeController {
  constructor(
    private readonly exchanges: OidcExchangeService,
    private readonly throttle: ExchangeThrottle,
  ) {}

  @Post('token')
  @HttpCode(200)
  @IgnoresCredentials()
  @ApiOperation({ summary: 'Trade a CI job’s OIDC ID token for a short-lived token of a matching trusted publisher (no other credential)' })
  @ApiOkResponse({ type: OidcExchangeResultDto })
  @ApiUnauthorizedResponse({ description: 'the ID token was refused; the message names the failed check' })
  @ApiTooManyRequestsResponse({ description: 'too many exchanges from this address' })
  async exchange(@Param('org') org: string, @Body() body: OidcExchangeDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<OidcExchangeResultDto> {
    const ip = clientIp(req);
    await this.throttle.consume(ip);
    res.setHeader('Cache-Control', 'no-store');
    return this.exchanges.exchange(org, body.token, ip);
  }
}
