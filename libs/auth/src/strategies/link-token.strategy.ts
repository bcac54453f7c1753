import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { effectiveRoles } from '../access/evaluator';
import type { TokenPrincipal } from '../access/principal';
import { CredentialRejected } from '../errors';
import { Caveat, caveatsLimitToReads, parseCaveat } from '../macaroons/caveats';
import { TokenService } from '../tokens/token.service';
import { authContextOf } from './auth-context';
import { STRATEGY } from './strategy-names';
import { StrategyResult, notMine, rejected } from './strategy-result';

/** A role that only reads: `<type>:read`, `<type>:<package>:read`, or the release feed. */
export function isReadOnlyRole(role: string): boolean {
  return role === 'feed' || role.endsWith(':read');
}

/**
 * Link tokens: `?auth_token=pgt_…` on routes marked @AcceptsLinkToken() (downloads, index pages,
 * the Atom feed), for tools that cannot set headers. The token must be read-only: an `actions=read`
 * caveat, or effective roles that only read. Its principal also carries an `actions=read`
 * restriction, so even a misplaced decorator cannot turn it into a write.
 */
@Injectable()
export class LinkTokenStrategy extends PassportStrategy(Strategy, STRATEGY.linkToken) {
  constructor(private readonly tokens: TokenService) {
    super();
  }

  async validate(req: Request): Promise<StrategyResult> {
    const { linkToken: token, ip } = authContextOf(req);
    if (token === undefined) return notMine('link-token');
    let principal: TokenPrincipal;
    let caveats: readonly Caveat[];
    try {
      ({ principal, caveats } = await this.tokens.authenticateWithCaveats(token.trim(), { ip }));
    } catch (error) {
      if (error instanceof CredentialRejected) return rejected('link-token', error.message);
      throw error;
    }
    const byCaveats = caveatsLimitToReads(caveats);
    const byRoles = [...effectiveRoles(principal, principal.org)].every(isReadOnlyRole);
    if (!byCaveats && !byRoles) {
      return rejected('link-token', 'a link token (auth_token) must be read-only: add the caveat actions=read');
    }
    return { ...principal, restrictions: [...principal.restrictions, { ...parseCaveat('actions=read').restriction!(), name: 'link token' }] };
  }
}
