import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AccessService, AuditService, CaveatError, IdentityService, Principal, TOKEN_ONLY_ROLES, canCreatorGrant, parseCaveat } from '@packgate/auth';
import type { PackgateConfig } from '../config/config';
import { PACKGATE_CONFIG } from '../config/config.constants';
import { OrgLookupService } from '../orgs/org-lookup.service';
import { OrgRolesService } from '../orgs/org-roles.service';
import { claimProblems } from './claims';
import { CreateTrustedPublisherDto, DEFAULT_AUDIENCE, DEFAULT_TOKEN_LIFETIME_SECONDS, TrustedPublisherDto } from './trusted-publisher.dto';
import { TrustedPublisher } from './trusted-publisher.entity';

/** Is `issuer` acceptable: https, or plain http listed in PACKGATE_OIDC_INSECURE_ISSUERS. */
export function issuerAllowed(issuer: string, insecureIssuers: readonly string[]): { ok: true; insecure: boolean } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return { ok: false, reason: 'issuer must be an absolute URL' };
  }
  if (url.search || url.hash || url.username || url.password) return { ok: false, reason: 'issuer must not carry a query, fragment or credentials' };
  if (url.protocol === 'https:') return { ok: true, insecure: false };
  if (insecureIssuers.includes(issuer.replace(/\/+$/, ''))) return { ok: true, insecure: true };
  return { ok: false, reason: 'issuer must use https (plain http only for issuers listed in PACKGATE_OIDC_INSECURE_ISSUERS)' };
}

/** Org admins manage the CI identities that may exchange OIDC ID tokens for Packgate tokens. */
@Injectable()
export class TrustedPublishersService {
  constructor(
    @InjectRepository(TrustedPublisher) private readonly publishers: Repository<TrustedPublisher>,
    @Inject(PACKGATE_CONFIG) private readonly config: PackgateConfig,
    private readonly access: AccessService,
    private readonly identity: IdentityService,
    private readonly orgs: OrgLookupService,
    private readonly roles: OrgRolesService,
    private readonly audit: AuditService,
  ) {}

  async list(slug: string): Promise<TrustedPublisherDto[]> {
    const org = await this.orgs.require(slug);
    const records = await this.publishers.find({ where: { orgId: org.id }, order: { name: 'ASC' } });
    return Promise.all(records.map((record) => this.toDto(record)));
  }

  async create(principal: Principal, slug: string, body: CreateTrustedPublisherDto): Promise<TrustedPublisherDto> {
    const org = await this.orgs.require(slug);
    if (principal.kind !== 'user') throw new ForbiddenException('trusted publishers are managed by an org admin through the dashboard session');
    const problems: string[] = [];
    const issuer = issuerAllowed(body.issuer, this.config.oidcInsecureIssuers);
    if (!issuer.ok) problems.push(issuer.reason);
    const claims = body.claims as Record<string, unknown>;
    if (claims === null || Array.isArray(claims)) problems.push('claims must be an object of claim → value');
    else problems.push(...claimProblems(body.issuer, claims));
    const roles = [...new Set(body.roles)].sort();
    if (roles.length === 0) problems.push('roles must list at least one role');
    const tokenOnly = roles.filter((role) => TOKEN_ONLY_ROLES.includes(role));
    if (tokenOnly.length > 0) problems.push(`minted tokens never hold ${tokenOnly.join(', ')}`);
    const known = await this.roles.names(org.id);
    const unknown = roles.filter((role) => !known.has(role));
    if (unknown.length > 0) problems.push(`unknown roles in ${slug}: ${unknown.join(', ')}`);
    const packages = [...new Set(body.packages ?? [])];
    if (packages.length > 0) {
      if (packages.some((entry) => entry.includes(',') || entry.trim() !== entry)) problems.push('packages entries must not contain commas or surrounding spaces');
      else {
        try {
          parseCaveat(`packages=${packages.join(',')}`);
        } catch (error) {
          problems.push(error instanceof CaveatError ? error.message : 'invalid packages');
        }
      }
    }
    if (problems.length > 0) throw new BadRequestException(problems);

    const creatorRoles = principal.memberships.get(slug) ?? new Set<string>();
    const refused = roles.filter((role) => !canCreatorGrant(creatorRoles, role));
    if (refused.length > 0) throw new ForbiddenException(`cannot grant roles you may not put on a token: ${refused.join(', ')}`);
    if (await this.publishers.exists({ where: { orgId: org.id, name: body.name } })) throw new ConflictException(`a trusted publisher named ${body.name} exists in ${slug}`);

    const record = this.publishers.create({
      id: randomUUID(),
      orgId: org.id,
      name: body.name,
      issuer: body.issuer,
      audience: body.audience ?? DEFAULT_AUDIENCE,
      claims: body.claims,
      roles,
      packages,
      tokenLifetimeSeconds: body.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
      createdBy: principal.userId,
      createdAt: new Date(),
    });
    await this.publishers.save(record);
    await this.audit.record({
      org: slug,
      principal,
      action: 'trusted-publisher.created',
      resource: `trusted-publisher:${record.id}`,
      result: 'success',
      details: { name: record.name, issuer: record.issuer, audience: record.audience, claims: record.claims, roles, packages, tokenLifetimeSeconds: record.tokenLifetimeSeconds },
    });
    return this.toDto(record);
  }

  async delete(principal: Principal, slug: string, id: string): Promise<void> {
    const org = await this.orgs.require(slug);
    const record = /^[0-9a-f-]{36}$/.test(id) ? await this.publishers.findOne({ where: { id, orgId: org.id } }) : null;
    if (!record) throw new NotFoundException(`no trusted publisher ${id.slice(0, 64)} in ${slug}`);
    await this.publishers.delete({ id: record.id });
    await this.audit.record({ org: slug, principal, action: 'trusted-publisher.deleted', resource: `trusted-publisher:${record.id}`, result: 'success', details: { name: record.name } });
  }

  private async toDto(record: TrustedPublisher): Promise<TrustedPublisherDto> {
    const creator = await this.identity.findUserById(record.createdBy);
    return {
      id: record.id,
      name: record.name,
      issuer: record.issuer,
      audience: record.audience,
      claims: record.claims,
      roles: record.roles,
      packages: record.packages,
      tokenLifetimeSeconds: record.tokenLifetimeSeconds,
      createdBy: creator?.username ?? '?',
      createdAt: record.createdAt,
    };
  }
}
