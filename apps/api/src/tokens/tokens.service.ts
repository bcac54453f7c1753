import { BadRequestException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import {
  AUTH_OPTIONS,
  AccessService,
  AccessToken,
  AuditService,
  AuthOptions,
  IdentityService,
  Principal,
  RequestedExpiry,
  TokenFormatError,
  TokenService,
  attenuateToken,
  decideTokenChange,
  decodeToken,
  effectiveRoles,
  planTokenIssuance,
} from '@packgate/auth';
import { OrgLookupService } from '../orgs/org-lookup.service';
import { OrgRolesService } from '../orgs/org-roles.service';
import { NEVER_EXPIRES } from './token.dto';
import type { CreateTokenDto, IssuedTokenDto, TokenDto, TokenInspectionDto } from './token.dto';

/**
 * REST side of tokens: who may create, see, rotate and delete which token. What a new or rotated
 * token may hold is the shared issuance policy of @packgate/auth (the npm tokens API uses it too).
 */
@Injectable()
export class TokensService {
  constructor(
    private readonly tokens: TokenService,
    private readonly identity: IdentityService,
    private readonly access: AccessService,
    private readonly orgs: OrgLookupService,
    private readonly roles: OrgRolesService,
    private readonly audit: AuditService,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
  ) {}

  async list(principal: Principal, slug: string, all: boolean): Promise<TokenDto[]> {
    const org = await this.orgs.require(slug);
    if (all) this.access.assert(principal, { action: 'org:manage-all-tokens', resource: { kind: 'org', org: slug } });
    const records = await this.tokens.list(org.id, all ? undefined : this.ownerId(principal));
    return Promise.all(records.map((record) => this.toDto(record)));
  }

  async create(principal: Principal, slug: string, body: CreateTokenDto): Promise<IssuedTokenDto> {
    const org = await this.orgs.require(slug);
    let ownerId = this.ownerId(principal);
    if (body.username !== undefined && body.username !== this.ownerName(principal)) {
      this.access.assert(principal, { action: 'org:manage-all-tokens', resource: { kind: 'org', org: slug } });
      const owner = await this.identity.findUserByUsername(body.username);
      if (!owner || !(await this.identity.membershipsOf(owner.id)).has(slug)) throw new BadRequestException([`${body.username} is not a member of ${slug}`]);
      ownerId = owner.id;
    }
    const roles = [...new Set(body.roles)];
    const known = await this.roles.names(org.id);
    const unknown = roles.filter((role) => !known.has(role));
    if (unknown.length > 0) throw new BadRequestException([`unknown roles in ${slug}: ${unknown.join(', ')}`]);
    const ownerRoles = (await this.identity.membershipsOf(ownerId)).get(slug) ?? new Set<string>();
    const plan = planTokenIssuance(principal, { org: slug, ownerRoles, roles, expiry: requestedExpiry(body.expiresAt) }, { maxTokenDays: this.options.maxTokenDays });
    if (!plan.allowed) {
      if (plan.status === 400) throw new BadRequestException([plan.reason]);
      throw new ForbiddenException(plan.reason);
    }
    const issued = await this.tokens.create({ userId: ownerId, orgId: org.id, name: body.name, roles, expiresAt: plan.expiresAt });
    // A token with caveats gets a token carrying the same caveats, never the new root secret.
    const token = plan.caveats.length > 0 ? attenuateToken(issued.token, plan.caveats) : issued.token;
    await this.audit.record({ org: slug, principal, action: 'token.created', resource: `token:${issued.record.id}`, result: 'success', details: { name: body.name, roles, ...(plan.caveats.length > 0 ? { inheritedCaveats: plan.caveats.length } : {}) } });
    return { ...(await this.toDto(issued.record)), token };
  }

  async rotate(principal: Principal, slug: string, id: string): Promise<IssuedTokenDto> {
    const record = await this.findManageable(principal, slug, id);
    this.assertChange(principal, 'rotate', record);
    const issued = await this.tokens.rotate(record);
    await this.audit.record({ org: slug, principal, action: 'token.rotated', resource: `token:${record.id}`, result: 'success' });
    return { ...(await this.toDto(issued.record)), token: issued.token };
  }

  async delete(principal: Principal, slug: string, id: string): Promise<void> {
    const record = await this.findManageable(principal, slug, id);
    this.assertChange(principal, 'delete', record);
    await this.tokens.delete(record);
    await this.audit.record({ org: slug, principal, action: 'token.deleted', resource: `token:${record.id}`, result: 'success' });
  }

  /**
   * Validity and effective rights of any token; does not need the caller to be authenticated. An
   * `ip` caveat is judged against the caller's address.
   */
  async inspect(text: string, ip?: string): Promise<TokenInspectionDto> {
    let caveats: string[] = [];
    try {
      caveats = decodeToken(text.trim()).conditions;
    } catch (error) {
      return { valid: false, reason: error instanceof TokenFormatError ? error.message : 'malformed token', caveats };
    }
    try {
      const principal = await this.tokens.authenticate(text.trim(), { ip });
      const record = await this.tokens.find(principal.tokenId);
      return {
        valid: true,
        id: principal.tokenId,
        name: record?.name,
        owner: principal.username,
        org: principal.org,
        effectiveRoles: [...effectiveRoles(principal, principal.org)].sort(),
        caveats,
        expiresAt: record?.expiresAt ?? null,
      };
    } catch (error) {
      return { valid: false, reason: (error as Error).message, caveats };
    }
  }

  private async findManageable(principal: Principal, slug: string, id: string): Promise<AccessToken> {
    const org = await this.orgs.require(slug);
    const record = /^[0-9a-f-]{36}$/.test(id) ? await this.tokens.find(id) : null;
    if (!record || record.orgId !== org.id) throw new NotFoundException(`no token ${id} in ${slug}`);
    if (record.userId !== this.ownerId(principal)) {
      if (!this.access.can(principal, { action: 'org:manage-all-tokens', resource: { kind: 'org', org: slug } }).allowed) {
        throw new NotFoundException(`no token ${id} in ${slug}`);
      }
    }
    return record;
  }

  private assertChange(principal: Principal, change: 'rotate' | 'delete', record: AccessToken): void {
    const decision = decideTokenChange(principal, change, record);
    if (!decision.allowed) throw new ForbiddenException(`cannot ${change} token ${record.id}: ${decision.reason}`);
  }

  private ownerId(principal: Principal): number {
    if (principal.kind === 'anonymous') throw new ForbiddenException('authentication required');
    return principal.userId;
  }

  private ownerName(principal: Principal): string | undefined {
    return principal.kind === 'anonymous' ? undefined : principal.username;
  }

  private async toDto(record: AccessToken): Promise<TokenDto> {
    const user = await this.identity.findUserById(record.userId);
    return {
      id: record.id,
      name: record.name,
      roles: record.roles,
      username: user?.username ?? '?',
      createdAt: record.createdAt,
      expiresAt: record.expiresAt,
      lastUsedAt: record.lastUsedAt,
    };
  }
}

/** Omitted → the default lifetime; `never` → no expiry; otherwise the date (validated by the DTO). */
function requestedExpiry(requested: string | undefined): RequestedExpiry {
  if (requested === undefined) return { kind: 'default' };
  if (requested === NEVER_EXPIRES) return { kind: 'never' };
  return { kind: 'at', at: new Date(requested) };
}
