import { Inject, Injectable } from '@nestjs/common';
import {
  AUTH_OPTIONS,
  AccessService,
  AccessToken,
  AuditService,
  AuthOptions,
  IdentityService,
  PermissionDeniedError,
  Principal,
  TokenService,
  attenuateToken,
  RequestMeta,
  decideTokenChange,
  decodeToken,
  looksLikeToken,
  planTokenIssuance,
} from '@packgate/auth';
import { InvalidInputError, NotFoundError } from '@packgate/registries/core';
import { NpmAccessService } from './npm-access.service';
import { isRecord } from '../wire/publish-document';

/** One entry of `GET /-/npm/v1/tokens` (npm-profile listTokens; npm token list prints these). */
export interface NpmTokenEntry {
  key: string;
  token: string;
  name: string;
  created: string;
  updated: string;
  expires: string | null;
  readonly: boolean;
  cidr_whitelist: string[] | null;
}

const MAX_CIDRS = 16;

/**
 * The npm v1 tokens API mapped onto Packgate tokens of the caller's org. Managing tokens with a
 * token is the evaluator's `org:manage-own-tokens`, which needs role `api` on the calling token
 * — the same rule as the REST API. New tokens get `npm:write` (or `npm:read` with
 * `--read-only`); what they may hold, how long they live and which caveats they carry is the
 * shared issuance policy, as for the REST API.
 */
@Injectable()
export class NpmTokensService {
  constructor(
    private readonly npm: NpmAccessService,
    private readonly tokens: TokenService,
    private readonly identity: IdentityService,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
  ) {}

  async list(principal: Principal, slug: string): Promise<{ objects: NpmTokenEntry[]; total: number; urls: { next: null } }> {
    const { orgId, userId } = await this.gate(principal, slug);
    const records = await this.tokens.list(orgId, userId);
    return { objects: records.map((record) => entry(record, null)), total: records.length, urls: { next: null } };
  }

  async create(principal: Principal, slug: string, body: unknown, meta: RequestMeta): Promise<NpmTokenEntry & { token: string }> {
    const { orgId, userId } = await this.gate(principal, slug);
    if (!isRecord(body)) throw new InvalidInputError('the body must be a JSON object');
    const readonly = body.readonly === true || body.packages_and_scopes_permission === 'read-only';
    const roles = [readonly ? 'npm:read' : 'npm:write'];
    const expiresDays = body.expires === undefined || body.expires === null ? null : Number(body.expires);
    if (expiresDays !== null && (!Number.isInteger(expiresDays) || expiresDays <= 0 || expiresDays > 3650)) throw new InvalidInputError('expires must be a number of days from 1 to 3650');
    const cidrs = Array.isArray(body.cidr_whitelist) ? body.cidr_whitelist.map(String) : [];
    if (cidrs.length > MAX_CIDRS || cidrs.some((cidr) => !/^[0-9a-fA-F.:]+\/\d{1,3}$/.test(cidr))) throw new InvalidInputError('cidr_whitelist must hold CIDR ranges such as 10.0.0.0/8');
    const name = typeof body.name === 'string' && body.name.trim() !== '' ? body.name.trim().slice(0, 100) : `npm token ${new Date().toISOString().slice(0, 10)}`;
    const ownerRoles = (await this.identity.membershipsOf(userId)).get(slug) ?? new Set<string>();
    const expiry = expiresDays === null ? ({ kind: 'default' } as const) : ({ kind: 'at', at: new Date(Date.now() + expiresDays * 86_400_000) } as const);
    const plan = planTokenIssuance(principal, { org: slug, ownerRoles, roles, expiry }, { maxTokenDays: this.options.maxTokenDays });
    if (!plan.allowed) {
      if (plan.status === 400) throw new InvalidInputError(plan.reason.replace('expiresAt', 'expires'));
      throw new PermissionDeniedError(plan.reason, false);
    }
    const issued = await this.tokens.create({ userId, orgId, name, roles, expiresAt: plan.expiresAt });
    // The calling token's caveats, then a CIDR list as an `ip` caveat: narrower, never wider (the record keeps the roles).
    const caveats = [...plan.caveats, ...(cidrs.length > 0 ? [`ip=${cidrs.join(',')}`] : [])];
    const token = caveats.length > 0 ? attenuateToken(issued.token, caveats) : issued.token;
    await this.audit.record({ org: slug, principal, action: 'token.created', resource: `token:${issued.record.id}`, result: 'success', ip: meta.ip, details: { name, roles, via: 'npm token create', cidrs } });
    return { ...entry(issued.record, cidrs.length > 0 ? cidrs : null), token };
  }

  /** `npm token revoke <id|token>` sends the full key (after matching a prefix) or the token itself. */
  async revoke(principal: Principal, slug: string, keyOrToken: string, meta: RequestMeta): Promise<void> {
    const { orgId, userId } = await this.gate(principal, slug);
    let id = keyOrToken;
    if (looksLikeToken(keyOrToken)) {
      try {
        id = decodeToken(keyOrToken).tokenId;
      } catch {
        throw new NotFoundError('no such token');
      }
    }
    id = idOfKey(id);
    const record = /^[0-9a-f-]{36}$/.test(id) ? await this.tokens.find(id) : null;
    if (!record || record.orgId !== orgId || record.userId !== userId) throw new NotFoundError('no such token among yours in this org');
    const decision = decideTokenChange(principal, 'delete', record);
    if (!decision.allowed) throw new PermissionDeniedError(`cannot revoke this token: ${decision.reason}`, false);
    await this.tokens.delete(record);
    await this.audit.record({ org: slug, principal, action: 'token.deleted', resource: `token:${record.id}`, result: 'success', ip: meta.ip, details: { via: 'npm token revoke' } });
  }

  private async gate(principal: Principal, slug: string): Promise<{ orgId: number; userId: number }> {
    const org = await this.npm.org(slug);
    this.access.assert(principal, { action: 'org:manage-own-tokens', resource: { kind: 'org', org: slug } });
    if (principal.kind === 'anonymous') throw new PermissionDeniedError('authentication required', true);
    return { orgId: org.id, userId: principal.userId };
  }
}

/**
 * npm shows token keys and matches revoke arguments by prefix; it also masks anything shaped like a
 * UUID in its output (@npmcli/redact), so keys are the record id without dashes.
 */
function keyOf(id: string): string {
  return id.replace(/-/g, '');
}

function idOfKey(key: string): string {
  const m = /^([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/.exec(key.toLowerCase());
  return m ? m.slice(1).join('-') : key;
}

function entry(record: AccessToken, cidrs: string[] | null): NpmTokenEntry {
  return {
    key: keyOf(record.id),
    // The secret is never stored; this masked label is what `npm token list` prints before "…".
    token: `pgt_…${keyOf(record.id).slice(0, 6)}`,
    name: record.name,
    created: record.createdAt.toISOString(),
    updated: (record.rotatedAt ?? record.createdAt).toISOString(),
    expires: record.expiresAt ? record.expiresAt.toISOString() : null,
    readonly: !record.roles.some((role) => role.endsWith(':write')),
    cidr_whitelist: cidrs,
  };
}
