import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessToken } from '@packgate/auth';
import { OrgLookupService } from '../orgs/org-lookup.service';
import { OrgRolesService } from '../orgs/org-roles.service';
import { ExchangeThrottle } from './exchange-throttle';
import { OidcExchangeController } from './oidc-exchange.controller';
import { OidcExchangeService } from './oidc-exchange.service';
import { OidcKeys } from './oidc-keys';
import { OidcTokenUse } from './oidc-token-use.entity';
import { OidcVerifier } from './oidc-verifier';
import { TrustedPublisher } from './trusted-publisher.entity';
import { TrustedPublishersController } from './trusted-publishers.controller';
import { TrustedPublishersService } from './trusted-publishers.service';

/** Trusted publishing: CI jobs trade their OIDC identity for a short-lived, narrowed token. */
@Module({
  imports: [TypeOrmModule.forFeature([TrustedPublisher, OidcTokenUse, AccessToken])],
  controllers: [TrustedPublishersController, OidcExchangeController],
  providers: [TrustedPublishersService, OidcExchangeService, OidcVerifier, OidcKeys, ExchangeThrottle, OrgLookupService, OrgRolesService],
})
export class TrustedPublishingModule {}
