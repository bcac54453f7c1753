import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Strategy } from 'passport';
import { Passport } from 'passport';
import { AnonymousStrategy } from './anonymous.strategy';
import { BasicPasswordStrategy } from './basic-password.strategy';
import { BasicTokenStrategy } from './basic-token.strategy';
import { BearerTokenStrategy } from './bearer-token.strategy';
import { FormatAuthStrategy } from './format-auth-strategy';
import { LinkTokenStrategy } from './link-token.strategy';
import { SessionStrategy } from './session.strategy';
import { STRATEGY } from './strategy-names';

/**
 * The auth group: the Passport strategies tried in turn for every request, held in a Passport
 * instance of this application (not the process-wide one, so two servers in one process stay
 * apart). Format modules contribute strategies of their own (e.g. Docker registry bearer tokens)
 * by marking a provider @FormatAuthStrategy(name); they are tried before anonymous.
 */
@Injectable()
export class AuthStrategyRegistry implements OnModuleInit {
  readonly passport = new Passport();
  private readonly order: string[] = [];

  constructor(
    bearer: BearerTokenStrategy,
    basicToken: BasicTokenStrategy,
    basicPassword: BasicPasswordStrategy,
    linkToken: LinkTokenStrategy,
    session: SessionStrategy,
    anonymous: AnonymousStrategy,
    private readonly discovery: DiscoveryService,
  ) {
    this.add(STRATEGY.bearerToken, bearer);
    this.add(STRATEGY.basicToken, basicToken);
    this.add(STRATEGY.basicPassword, basicPassword);
    this.add(STRATEGY.linkToken, linkToken);
    this.add(STRATEGY.session, session);
    this.add(STRATEGY.anonymous, anonymous);
  }

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: FormatAuthStrategy.KEY })) {
      const name = this.discovery.getMetadataByDecorator(FormatAuthStrategy, wrapper);
      if (name && wrapper.instance && !this.order.includes(name)) this.addBeforeAnonymous(name, wrapper.instance as Strategy);
    }
  }

  private addBeforeAnonymous(name: string, strategy: Strategy): void {
    this.passport.use(name, strategy);
    this.order.splice(this.order.indexOf(STRATEGY.anonymous), 0, name);
  }

  get names(): readonly string[] {
    return this.order;
  }

  private add(name: string, strategy: Strategy): void {
    this.passport.use(name, strategy);
    this.order.push(name);
  }
}
