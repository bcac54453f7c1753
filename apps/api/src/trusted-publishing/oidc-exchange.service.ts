import { createHash } from 'node:crypto';
import { HttpException, Inject, Injectable, Logger, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, LessThan, Not, Or, Repository } from 'typeorm';
import type { JWTPayload } from 'jose';
import { ANONYMOUS, AccessToken, AuditService, IdentityService, TokenPrincipal, TokenService, User, attenuateToken, canCreatorGrant } from '@packgate/auth';
import type { PackgateConfig } from '../config/config';
import { PACKGATE_CONFIG } from '../config/config.constants';
import { auditedClaims, firstClaimMismatch, pickPublisher } from './claims';
import { OidcTokenUse } from './oidc-token-use.entity';
import { OIDC_CLOCK_SKEW_SECONDS, OidcIssuerUnavailable, OidcRefused, OidcVerifier, peekIdToken } from './oidc-verifier';
import type { OidcExchangeResultDto } from './trusted-publisher.dto';
import { TrustedPublisher } from './trusted-publisher.entity';
import { issuerAllowed } from './trusted-publishers.service';

/**
 * Trades a CI job's OIDC ID token for a short-lived Packgate token: the token must come from an
 * issuer one of the org's trusted publishers names, be validly signed, current, for that
 * publisher's audience, carry all its claims, and not have been exchanged before (`jti`).
 */
@Injectable()
export class OidcExchangeService {
  private readonly logger = new Logger(OidcExchangeService.name);

  constructor(
    @InjectRepository(TrustedPublisher) private readonly publishers: Repository<TrustedPublisher>,
    @InjectRepository(OidcTokenUse) private readonly uses: Repository<OidcTokenUse>,
    @InjectRepository(AccessToken) private readonly accessTokens: Repository<AccessToken>,
    @Inject(PACKGATE_CONFIG) private readonly config: PackgateConfig,
    private readonly verifier: OidcVerifier,
    private readonly identity: IdentityService,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
  ) {}

  async exchange(slug: string, presented: string, ip: string | undefined): Promise<OidcExchangeResultDto> {
    const idToken = presented.trim();
    let trustedIssuer: string | undefined;
    try {
      const { header, issuer } = peekIdToken(idToken);
      const candidates = await this.publishersFor(slug, issuer);
      trustedIssuer = issuer;
      const allowed = issuerAllowed(issuer, this.config.oidcInsecureIssuers);
      if (!allowed.ok) throw new OidcRefused(allowed.reason);
      const payload = await this.verifier.verify(idToken, issuer, header.kid, allowed.insecure);
      const publisher = matchPublisher(candidates, payload);
      const grant = await this.creatorGrant(publisher, slug);
      return await this.mint(slug, issuer, payload, publisher, grant, ip);
    } catch (error) {
      const refusal = error instanceof OidcRefused || error instanceof OidcIssuerUnavailable;
      await this.audit.record({
        org: slug.slice(0, 64),
        principal: ANONYMOUS,
        action: 'oidc.exchange',
        resource: `POST /api/v1/orgs/${slug.slice(0, 64)}/oidc/token`,
        result: 'failure',
        ip,
        details: { reason: refusal ? (error as Error).message : 'internal error', ...(trustedIssuer ? { issuer: trustedIssuer } : {}) },
      });
      if (error instanceof OidcRefused) throw new UnauthorizedException(`OIDC token refused: ${error.message}`);
      if (error instanceof OidcIssuerUnavailable) throw new ServiceUnavailableException(error.message);
      if (!(error instanceof HttpException)) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      throw error;
    }
  }

  /** The org's publishers for this issuer; none (or no such org) is a refusal. */
  private async publishersFor(slug: string, issuer: string): Promise<TrustedPublisher[]> {
    const org = await this.identity.findOrg(slug);
    const candidates = org ? await this.publishers.find({ where: { orgId: org.id, issuer } }) : [];
    if (candidates.length === 0) throw new OidcRefused(`issuer is not trusted by any trusted publisher of org ${slug.slice(0, 64)}`);
    return candidates;
  }

  /**
   * The publisher's creator and the publisher's roles they may still grant: the minted token is
   * theirs, so it never holds more than they could put on a token now.
   */
  private async creatorGrant(publisher: TrustedPublisher, slug: string): Promise<{ owner: User; ownerRoles: ReadonlySet<string>; roles: string[] }> {
    const owner = await this.identity.findUserById(publisher.createdBy);
    const ownerRoles = owner && !owner.disabled ? (await this.identity.membershipsOf(owner.id)).get(slug) : undefined;
    const roles = ownerRoles ? publisher.roles.filter((role) => canCreatorGrant(ownerRoles, role)) : [];
    if (!owner || !ownerRoles || roles.length === 0) throw new OidcRefused(`the admin who created publisher ${publisher.name} can no longer grant its roles`);
    return { owner, ownerRoles, roles };
  }

  /** Uses up the jti, creates the token record and hands out its secret narrowed by caveats. */
  private async mint(
    slug: string,
    issuer: string,
    payload: JWTPayload,
    publisher: TrustedPublisher,
    { owner, ownerRoles, roles }: { owner: User; ownerRoles: ReadonlySet<string>; roles: string[] },
    ip: string | undefined,
  ): Promise<OidcExchangeResultDto> {
    await this.removeExpired();
    const key = jtiKey(issuer, payload.jti as string);
    await this.claimJti(key, new Date(((payload.exp as number) + OIDC_CLOCK_SKEW_SECONDS) * 1000));
    const expiresAt = new Date(Date.now() + publisher.tokenLifetimeSeconds * 1000);
    const issued = await this.tokens.create({ userId: owner.id, orgId: publisher.orgId, name: `oidc:${publisher.name}`, roles, expiresAt });
    const caveats = [`expires=${Math.floor(expiresAt.getTime() / 1000)}`];
    if (publisher.packages.length > 0) caveats.push(`packages=${publisher.packages.join(',')}`);
    const token = attenuateToken(issued.token, caveats);
    await this.uses.update({ jtiKey: key }, { tokenId: issued.record.id, tokenExpiresAt: expiresAt });

    const principal: TokenPrincipal = {
      kind: 'token',
      tokenId: issued.record.id,
      userId: owner.id,
      username: owner.username,
      org: slug,
      tokenRoles: new Set(roles),
      creatorRoles: ownerRoles,
      creatorIsMember: true,
      creatorIsAdmin: owner.isAdmin,
      caveats,
      recordExpiresAt: expiresAt,
      restrictions: [],
    };
    await this.audit.record({
      org: slug,
      principal,
      action: 'oidc.exchange',
      resource: `trusted-publisher:${publisher.id}`,
      result: 'success',
      ip,
      details: { issuer, publisher: publisher.name, claims: auditedClaims(payload as Record<string, unknown>), tokenId: issued.record.id, roles, packages: publisher.packages, expiresAt: expiresAt.toISOString() },
    });
    return { token, expiresAt, roles, packages: publisher.packages, publisher: { id: publisher.id, name: publisher.name } };
  }

  /** Records the jti; a second use (on any node, after any restart) finds the row and is refused. */
  private async claimJti(key: string, expiresAt: Date): Promise<void> {
    try {
      await this.uses.insert({ jtiKey: key, expiresAt, tokenId: null, tokenExpiresAt: null, createdAt: new Date() });
    } catch (error) {
      if (await this.uses.exists({ where: { jtiKey: key } })) throw new OidcRefused('token was already exchanged (jti replay)');
      throw error;
    }
  }

  /** Opportunistic cleanup: minted tokens past their expiry, and jti rows no longer needed. */
  private async removeExpired(): Promise<void> {
    try {
      const now = new Date();
      const spent = await this.uses.find({ where: { tokenExpiresAt: LessThan(now), tokenId: Not(IsNull()) }, take: 200 });
      const tokenIds = spent.map((use) => use.tokenId).filter((id): id is string => id !== null);
      if (tokenIds.length > 0) {
        await this.accessTokens.delete({ id: In(tokenIds) });
        await this.uses.update({ jtiKey: In(spent.map((use) => use.jtiKey)) }, { tokenId: null });
      }
      await this.uses.delete({ expiresAt: LessThan(now), tokenExpiresAt: Or(IsNull(), LessThan(now)) });
    } catch (error) {
      this.logger.warn(`cleanup of expired OIDC exchanges failed: ${(error as Error).message}`);
    }
  }
}

/** The publisher this verified token matches: the right audience and every listed claim. */
function matchPublisher(candidates: TrustedPublisher[], payload: JWTPayload): TrustedPublisher {
  const audiences = typeof payload.aud === 'string' ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : [];
  const forAudience = candidates.filter((publisher) => audiences.includes(publisher.audience));
  if (forAudience.length === 0) {
    throw new OidcRefused(`audience (aud) is not one a trusted publisher for this issuer expects (${[...new Set(candidates.map((p) => p.audience))].join(', ')})`);
  }
  const mismatches = new Set<string>();
  const matching = forAudience.filter((publisher) => {
    const mismatch = firstClaimMismatch(publisher.claims, payload as Record<string, unknown>);
    if (mismatch) mismatches.add(mismatch);
    return mismatch === null;
  });
  const publisher = pickPublisher(matching);
  if (!publisher) throw new OidcRefused(`claims do not match any trusted publisher (mismatched: ${[...mismatches].sort().join(', ')})`);
  return publisher;
}

function jtiKey(issuer: string, jti: string): string {
  return createHash('sha256').update(`${issuer}\n${jti}`).digest('hex');
}
