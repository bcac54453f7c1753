import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Request } from 'express';
import type { Strategy } from 'passport';
import { AnonymousStrategy } from './anonymous.strategy';
import { BasicPasswordStrategy } from './basic-password.strategy';
import { BasicTokenStrategy } from './basic-token.strategy';
import { BearerTokenStrategy } from './bearer-token.strategy';
import { FormatAuthStrategy } from './format-auth-strategy';
import { LinkTokenStrategy } from './link-token.strategy';
import { SessionStrategy } from './session.strategy';
import { STRATEGY } from './strategy-names';
import type { StrategyResult } from './strategy-result';

/** A member of the group: a Passport strategy whose validate(req) says what it made of the request. */
export interface GroupStrategy {
  readonly name: string;
  validate(req: Request): Promise<StrategyResult> | StrategyResult;
}

/**
 * The auth group: the strategies tried in turn for every request. They are Passport strategies
 * (passport-custom, Nest's PassportStrategy) but the group calls their validate(req) itself: what
 * Passport's authenticate middleware adds per request (a middleware closure, a copy of every
 * strategy tried with five callbacks) was the largest allocation of a token request after the
 * promise hooks. Format modules contribute strategies of their own (e.g. Docker registry bearer
 * tokens) by marking a provider @FormatAuthStrategy(name); they are tried before anonymous.
 */
@Injectable()
export class AuthStrategyRegistry implements OnModuleInit {
  private readonly order: GroupStrategy[] = [];

  constructor(
    bearer: BearerTokenStrategy,
    basicToken: BasicTokenStrategy,
    basicPassword: BasicPasswordStrategy,
    linkToken: LinkTokenStrategy,
    session: SessionStrategy,
    anonymous: AnonymousStrategy,
    private readonly discovery: DiscoveryService,
  ) {
    this.order.push(
      member(STRATEGY.bearerToken, bearer),
      member(STRATEGY.basicToken, basicToken),
      member(STRATEGY.basicPassword, basicPassword),
      member(STRATEGY.linkToken, linkToken),
      member(STRATEGY.session, session),
      member(STRATEGY.anonymous, anonymous),
    );
  }

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: FormatAuthStrategy.KEY })) {
      const name = this.discovery.getMetadataByDecorator(FormatAuthStrategy, wrapper);
      if (name && wrapper.instance && !this.names.includes(name)) this.addBeforeAnonymous(member(name, wrapper.instance as Strategy));
    }
  }

  private addBeforeAnonymous(strategy: GroupStrategy): void {
    this.order.splice(this.order.findIndex((entry) => entry.name === STRATEGY.anonymous), 0, strategy);
  }

  get names(): readonly string[] {
    return this.order.map((entry) => entry.name);
  }

  /** The strategies in the order they are tried. */
  get strategies(): readonly GroupStrategy[] {
    return this.order;
  }
}

function member(name: string, strategy: Strategy | { validate?: unknown }): GroupStrategy {
  const validate = (strategy as { validate?: unknown }).validate;
  if (typeof validate !== 'function') throw new Error(`auth strategy ${name} has no validate(req)`);
  return { name, validate: (req) => (validate as GroupStrategy['validate']).call(strategy, req) };
}
