import { Injectable } from '@nestjs/common';
import type { Strategy } from 'passport';
import { Passport } from 'passport';
import { AnonymousStrategy } from './anonymous.strategy';
import { BasicPasswordStrategy } from './basic-password.strategy';
import { BasicTokenStrategy } from './basic-token.strategy';
import { BearerTokenStrategy } from './bearer-token.strategy';
import { LinkTokenStrategy } from './link-token.strategy';
import { SessionStrategy } from './session.strategy';
import { STRATEGY } from './strategy-names';

/**
 * The auth group: the Passport strategies tried in turn for every request, held in a Passport
 * instance of this application (not the process-wide one, so two servers in one process stay
 * apart). Formats may add strategies of their own (e.g. registry bearer tokens) before anonymous.
 */
@Injectable()
export class AuthStrategyRegistry {
  readonly passport = new Passport();
  private readonly order: string[] = [];

  constructor(
    bearer: BearerTokenStrategy,
    basicToken: BasicTokenStrategy,
    basicPassword: BasicPasswordStrategy,
    linkToken: LinkTokenStrategy,
    session: SessionStrategy,
    anonymous: AnonymousStrategy,
  ) {
    this.add(STRATEGY.bearerToken, bearer);
    this.add(STRATEGY.basicToken, basicToken);
    this.add(STRATEGY.basicPassword, basicPassword);
    this.add(STRATEGY.linkToken, linkToken);
    this.add(STRATEGY.session, session);
    this.add(STRATEGY.anonymous, anonymous);
  }

  /** Registers a strategy; it is tried before anonymous. */
  addBeforeAnonymous(name: string, strategy: Strategy): void {
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
