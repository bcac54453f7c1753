import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { TokenPrincipal } from '../access/principal';
import { AUTH_OPTIONS, AuthOptions } from '../auth-options';
import { InvalidationBus } from '../cache/invalidation-bus';
import { TtlCache } from '../cache/ttl-cache';
import { AccessToken } from '../entities/access-token.entity';
import { CredentialRejected } from '../errors';
import { IdentityService } from '../identity/identity.service';
import { Caveat, CaveatError, applyCaveats, parseCaveat } from '../macaroons/caveats';
import { TokenFormatError, decodeToken, deriveRootKey, mintToken, verifyTokenSignature } from '../macaroons/token-codec';

export interface IssuedToken {
  record: AccessToken;
  /** The secret: returned at creation and rotation only, never stored. */
  token: string;
}

const LAST_USED_RESOLUTION_MS = 60_000;

const RECORDS = 'token.records';

/**
 * Root token records and macaroon verification. Records are cached by id and dropped from the cache
 * of every node on rotate and delete (through the invalidation bus), so revocation takes effect at
 * once here and within moments everywhere.
 */
@Injectable()
export class TokenService {
  private readonly records: TtlCache<string, AccessToken | null>;
  /** HMAC of a verified token string → what verification established about it. */
  private readonly verified = new TtlCache<string, { tokenId: string; nonce: string; caveats: Caveat[]; conditions: string[] }>(5 * 60_000, 50_000);

  constructor(
    @InjectRepository(AccessToken) private readonly tokens: Repository<AccessToken>,
    private readonly identity: IdentityService,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
    private readonly bus: InvalidationBus = new InvalidationBus(),
  ) {
    this.records = new TtlCache(options.recordCacheSeconds * 1000, 20_000);
    bus.register(RECORDS, this.records);
  }

  async create(input: { userId: number; orgId: number; name: string; roles: string[]; expiresAt: Date | null }): Promise<IssuedToken> {
    const record = this.tokens.create({
      id: randomUUID(),
      userId: input.userId,
      orgId: input.orgId,
      name: input.name,
      roles: [...new Set(input.roles)].sort(),
      nonce: randomBytes(24).toString('base64url'),
      createdAt: new Date(),
      expiresAt: input.expiresAt,
      lastUsedAt: null,
      rotatedAt: null,
    });
    await this.tokens.save(record);
    return { record, token: mintToken(this.options.secret, record.id, record.nonce) };
  }

  async rotate(record: AccessToken): Promise<IssuedToken> {
    record.nonce = randomBytes(24).toString('base64url');
    record.rotatedAt = new Date();
    await this.tokens.save(record);
    this.bus.drop(RECORDS, record.id);
    return { record, token: mintToken(this.options.secret, record.id, record.nonce) };
  }

  async delete(record: AccessToken): Promise<void> {
    await this.tokens.delete({ id: record.id });
    this.bus.drop(RECORDS, record.id);
  }

  async find(id: string): Promise<AccessToken | null> {
    return this.tokens.findOne({ where: { id } });
  }

  async list(orgId: number, userId?: number): Promise<AccessToken[]> {
    return this.tokens.find({ where: userId === undefined ? { orgId } : { orgId, userId }, order: { createdAt: 'DESC', name: 'ASC' } });
  }

  /**
   * Verifies a presented token and builds its principal. Throws CredentialRejected with a reason
   * safe to show the caller.
   */
  async authenticate(text: string, context: { ip?: string; now?: number } = {}): Promise<TokenPrincipal> {
    return (await this.authenticateWithCaveats(text, context)).principal;
  }

  /** As `authenticate`, also returning the token's parsed caveats (link tokens inspect them). */
  async authenticateWithCaveats(text: string, context: { ip?: string; now?: number } = {}): Promise<{ principal: TokenPrincipal; caveats: readonly Caveat[] }> {
    const { record, caveats, conditions } = await this.verify(text);
    const nowMs = context.now !== undefined ? context.now * 1000 : Date.now();
    const now = Math.floor(nowMs / 1000);
    if (record.expiresAt && record.expiresAt.getTime() <= nowMs) throw new CredentialRejected('token expired');
    const applied = applyCaveats(caveats, new Set(record.roles), { now, ip: context.ip });
    if ('refused' in applied) throw new CredentialRejected(applied.refused);

    const user = await this.identity.findUserById(record.userId);
    if (!user || user.disabled) throw new CredentialRejected('token owner is disabled');
    const org = await this.identity.findOrgById(record.orgId);
    if (!org) throw new CredentialRejected('unknown or revoked token');
    const memberships = await this.identity.membershipsOf(user.id);
    this.touch(record);
    const principal: TokenPrincipal = {
      kind: 'token',
      tokenId: record.id,
      userId: user.id,
      username: user.username,
      org: org.slug,
      tokenRoles: applied.roles,
      creatorRoles: memberships.get(org.slug) ?? new Set(),
      creatorIsMember: memberships.has(org.slug),
      creatorIsAdmin: user.isAdmin,
      caveats: conditions,
      recordExpiresAt: record.expiresAt,
      restrictions: applied.restrictions,
    };
    return { principal, caveats };
  }

  /**
   * Signature check, with a memory of tokens already verified against the record's current nonce:
   * the macaroon is decoded and its HMAC chain recomputed once, not on every request of an install.
   * Rotation changes the nonce and deletion removes the record, so neither is served from here.
   */
  private async verify(text: string): Promise<{ record: AccessToken; caveats: Caveat[]; conditions: string[] }> {
    const key = createHmac('sha256', this.options.secret).update(text).digest('base64url');
    const remembered = this.verified.get(key);
    if (remembered) {
      const record = await this.cachedRecord(remembered.tokenId);
      if (record && record.nonce === remembered.nonce) return { record, caveats: remembered.caveats, conditions: remembered.conditions };
    }
    let decoded;
    try {
      decoded = decodeToken(text);
    } catch (error) {
      throw new CredentialRejected(error instanceof TokenFormatError ? error.message : 'malformed token');
    }
    const record = await this.cachedRecord(decoded.tokenId);
    if (!record) throw new CredentialRejected('unknown or revoked token');
    try {
      verifyTokenSignature(decoded, deriveRootKey(this.options.secret, record.id, record.nonce));
    } catch {
      throw new CredentialRejected('token signature is invalid (rotated, or altered)');
    }
    let caveats: Caveat[];
    try {
      caveats = decoded.conditions.map(parseCaveat);
    } catch (error) {
      throw new CredentialRejected(error instanceof CaveatError ? error.message : 'invalid caveat');
    }
    const conditions = decoded.conditions;
    this.verified.set(key, { tokenId: record.id, nonce: record.nonce, caveats, conditions });
    return { record, caveats, conditions };
  }

  private async cachedRecord(id: string): Promise<AccessToken | null> {
    const cached = this.records.get(id);
    if (cached !== undefined) return cached;
    const stamp = this.records.stamp();
    const record = await this.tokens.findOne({ where: { id } });
    this.records.set(id, record, stamp);
    return record;
  }

  /** Records last use at most once a minute per token, without making the request wait. */
  private touch(record: AccessToken): void {
    const now = Date.now();
    if (record.lastUsedAt && now - record.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
    record.lastUsedAt = new Date(now);
    this.tokens.update({ id: record.id }, { lastUsedAt: record.lastUsedAt }).catch(() => undefined);
  }
}
