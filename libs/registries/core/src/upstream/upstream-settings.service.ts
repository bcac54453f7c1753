import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InvalidationBus, TtlCache } from '@packgate/auth';
import type { PackageType } from '@packgate/auth';
import { isUniqueViolation, withTransactionRetry } from '../transaction-retry';
import { CredentialCipher, UPSTREAM_CIPHER, UpstreamCredentials } from './credential-cipher';
import { OrgUpstreamPolicy } from './org-upstream-policy.entity';
import { OrgUpstream } from './org-upstream.entity';
import type { ValidUpstreamInput } from './upstream-input';

/** An org's upstream for one format, credentials opened. Never serialize it to a client or a log. */
export interface UpstreamSettings {
  orgId: number;
  type: PackageType;
  /** Base URL without a trailing slash. */
  url: string;
  /** Host (and port) of `url`: what messages and metrics name, never the credentials. */
  host: string;
  /** Normalized globs (see normalizeReservedPattern). */
  reserved: string[];
  metadataTtlSeconds: number;
  prefix: string | null;
  credentials: UpstreamCredentials | null;
  updatedAt: Date;
}

/** How long settings are served from memory on a node that did not change them. */
export const UPSTREAM_SETTINGS_CACHE_MS = 2000;
const SETTINGS = 'upstream.settings';
const POLICIES = 'upstream.policies';

const credentialContext = (orgId: number, type: PackageType) => `org:${orgId}\ntype:${type}`;

/** Reads and writes `org_upstream` and `org_upstream_policy`; credentials sealed at rest. */
@Injectable()
export class UpstreamSettingsService {
  private readonly settings = new TtlCache<string, { value: UpstreamSettings | null }>(UPSTREAM_SETTINGS_CACHE_MS, 10_000);
  private readonly policies = new TtlCache<number, { anonymousReads: boolean }>(UPSTREAM_SETTINGS_CACHE_MS, 10_000);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(UPSTREAM_CIPHER) private readonly cipher: CredentialCipher,
    private readonly bus: InvalidationBus,
  ) {
    // Settings and the anonymous-reads switch decide who reads proxied content: a change on one
    // node drops them on every node (Redis), like package visibility.
    bus.register(SETTINGS, this.settings);
    bus.register(POLICIES, this.policies);
  }

  /** The org's upstream for this format, or null when there is none. */
  async find(orgId: number, type: PackageType): Promise<UpstreamSettings | null> {
    const key = `${orgId}\n${type}`;
    const cached = this.settings.get(key);
    if (cached) return cached.value;
    const row = await this.dataSource.getRepository(OrgUpstream).findOne({ where: { orgId, type } });
    const value = row ? this.toSettings(row) : null;
    this.settings.set(key, { value });
    return value;
  }

  /** Docker: the org's docker upstream whose prefix is `prefix`. */
  async findByPrefix(orgId: number, prefix: string): Promise<UpstreamSettings | null> {
    const settings = await this.find(orgId, 'docker');
    return settings && settings.prefix === prefix ? settings : null;
  }

  async list(orgId: number): Promise<UpstreamSettings[]> {
    const rows = await this.dataSource.getRepository(OrgUpstream).find({ where: { orgId }, order: { type: 'ASC' } });
    return rows.map((row) => this.toSettings(row));
  }

  /** Creates or replaces the org's upstream for `input.type`; returns it and whether it was created. */
  async put(orgId: number, input: ValidUpstreamInput): Promise<{ settings: UpstreamSettings; created: boolean }> {
    const result = await withTransactionRetry(
      this.dataSource,
      async (manager) => {
        const now = new Date();
        const existing = await manager.findOne(OrgUpstream, { where: { orgId, type: input.type } });
        const credentials = input.credentials === 'keep' ? (existing?.credentials ?? null) : input.credentials ? this.cipher.seal(input.credentials, credentialContext(orgId, input.type)) : null;
        const fields = { url: input.url, reserved: input.reserved, metadataTtlSeconds: input.metadataTtlSeconds, prefix: input.prefix, credentials, updatedAt: now };
        if (existing) {
          await manager.update(OrgUpstream, { id: existing.id }, { ...fields, reserved: fields.reserved as never });
          return { row: manager.create(OrgUpstream, { ...existing, ...fields }), created: false };
        }
        const row = await manager.save(manager.create(OrgUpstream, { orgId, type: input.type, ...fields, createdAt: now }));
        return { row, created: true };
      },
      { retryOn: isUniqueViolation },
    );
    this.bus.drop(SETTINGS, `${orgId}\n${input.type}`);
    return { settings: this.toSettings(result.row), created: result.created };
  }

  /** False when there was none. Cached packages stay (an org admin deletes them, or GC does). */
  async delete(orgId: number, type: PackageType): Promise<boolean> {
    const result = await this.dataSource.getRepository(OrgUpstream).delete({ orgId, type });
    this.bus.drop(SETTINGS, `${orgId}\n${type}`);
    return (result.affected ?? 0) > 0;
  }

  /** Whether content proxied from the org's upstreams is readable without credentials. */
  async anonymousReads(orgId: number): Promise<boolean> {
    const cached = this.policies.get(orgId);
    if (cached) return cached.anonymousReads;
    const row = await this.dataSource.getRepository(OrgUpstreamPolicy).findOne({ where: { orgId } });
    const anonymousReads = row?.anonymousReads ?? false;
    this.policies.set(orgId, { anonymousReads });
    return anonymousReads;
  }

  async setAnonymousReads(orgId: number, anonymousReads: boolean): Promise<void> {
    await withTransactionRetry(this.dataSource, (manager) =>
      manager.createQueryBuilder().insert().into(OrgUpstreamPolicy).values({ orgId, anonymousReads, updatedAt: new Date() }).orUpdate(['anonymous_reads', 'updated_at'], ['org_id']).execute(),
    );
    this.bus.drop(POLICIES, orgId);
  }

  private toSettings(row: OrgUpstream): UpstreamSettings {
    return {
      orgId: row.orgId,
      type: row.type,
      url: row.url,
      host: new URL(row.url).host,
      reserved: row.reserved,
      metadataTtlSeconds: row.metadataTtlSeconds,
      prefix: row.prefix,
      // A value that no longer opens (the server secret changed) counts as no credentials.
      credentials: row.credentials ? this.cipher.open(row.credentials, credentialContext(row.orgId, row.type)) : null,
      updatedAt: row.updatedAt,
    };
  }
}
