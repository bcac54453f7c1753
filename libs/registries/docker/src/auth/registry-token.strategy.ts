import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { CredentialRejected, FormatAuthStrategy, StrategyResult, authContextOf, notMine, rejected } from '@packgate/auth';
import { DOCKER_OPTIONS, DockerOptions } from '../docker-options';
import { RegistryTokenService, looksLikeJwt } from './registry-token.service';

export const REGISTRY_TOKEN_STRATEGY = 'packgate-docker-registry-token';

/** `Authorization: Bearer <registry JWT>` issued by `/v2/token`; joins the auth group before anonymous. */
@FormatAuthStrategy(REGISTRY_TOKEN_STRATEGY)
@Injectable()
export class RegistryTokenStrategy extends PassportStrategy(Strategy, REGISTRY_TOKEN_STRATEGY) {
  constructor(
    private readonly registryTokens: RegistryTokenService,
    @Inject(DOCKER_OPTIONS) private readonly options: DockerOptions,
  ) {
    super();
  }

  async validate(req: Request): Promise<StrategyResult> {
    const { credentials, ip } = authContextOf(req);
    if (credentials.scheme !== 'bearer' || !looksLikeJwt(credentials.token)) return notMine('registry-token');
    try {
      return await this.registryTokens.verify(credentials.token, this.options.service, { ip });
    } catch (error) {
      if (error instanceof CredentialRejected) return rejected('registry-token', error.message);
      throw error;
    }
  }
}
