import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { DataSource, LessThan } from 'typeorm';
import type { PackageType } from '@packgate/auth';
import { PackageService } from '../package.service';
import { BLOB_STORE, BlobStore } from '../storage/blob-store';
import { withTransactionRetry } from '../transaction-retry';
import { UpstreamError } from './upstream-errors';
import { countHit, countMiss, upstreamMetrics } from './upstream-metrics';
import { UpstreamMetadata } from './upstream-metadata.entity';
import type { UpstreamSettings } from './upstream-settings.service';

/** The `Warning` header value formats send with a document served stale because the upstream failed. */
export const STALE_WARNING = '110 - "Response is stale"';

/** What a format's fetcher got from the upstream. */
export type FetchedDocument =
  | { kind: 'found'; body: Buffer; contentType: string; etag?: string | null }
  /** The upstream confirmed the cached document (HTTP 304 to `If-None-Match`). */
  | { kind: 'not-modified' }
  /** The upstream does not have it (404/410). */
  | { kind: 'missing' };

/** `etag` is the cached document's, to send as `If-None-Match`; null when nothing is cached. */
export type DocumentFetcher = (etag: string | null) => Promise<FetchedDocument>;

export interface CachedDocument {
  body: Buffer;
  contentType: string;
  fetchedAt: Date;
  /** Expired, and refreshing it failed: send STALE_WARNING. */
  stale: boolean;
}

const MAX_KEY_LENGTH = 255;

/**
 * Upstream metadata documents, kept for the upstream's TTL in `upstream_metadata` (bytes in the
 * blob store), so they survive restarts and every node shares them. Fresh → served as stored;
 * expired → fetched again (one fetch per key at a time on this node); when that fails, the stored
 * document is served marked stale; nothing stored and the upstream failing → the UpstreamError (502).
 */
@Injectable()
export class UpstreamMetadataCache {
  private readonly inflight = new Map<string, Promise<CachedDocument | null>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    private readonly packages: PackageService,
  ) {}

  /** The document under `key` (format-chosen, e.g. `simple/requests`); null when the upstream has none. */
  async get(settings: UpstreamSettings, key: string, fetch: DocumentFetcher): Promise<CachedDocument | null> {
    const row = key.length <= MAX_KEY_LENGTH ? await this.row(settings.orgId, settings.type, key) : null;
    const stored = row ? await this.read(row) : null;
    if (row && stored && row.expiresAt.getTime() > Date.now() && row.fetchedAt.getTime() >= settings.updatedAt.getTime()) {
      countHit(settings.type, 'metadata');
      return { body: stored, contentType: row.contentType, fetchedAt: row.fetchedAt, stale: false };
    }
    const flightKey = `${settings.orgId}\n${settings.type}\n${key}`;
    let flight = this.inflight.get(flightKey);
    if (!flight) {
      flight = this.refresh(settings, key, fetch, row && stored ? { row, body: stored } : null).finally(() => this.inflight.delete(flightKey));
      this.inflight.set(flightKey, flight);
    }
    return flight;
  }

  /** Forgets a document (the next read fetches it). */
  async invalidate(orgId: number, type: PackageType, key: string): Promise<void> {
    await this.dataSource.getRepository(UpstreamMetadata).delete({ orgId, type, cacheKey: key });
  }

  /** Blob references held by cached documents, for garbage collection. */
  async referenceCounts(): Promise<Map<string, number>> {
    const rows: { digest: string; count: string | number }[] = await this.dataSource
      .getRepository(UpstreamMetadata)
      .createQueryBuilder('m')
      .select('m.blob_digest', 'digest')
      .addSelect('COUNT(*)', 'count')
      .groupBy('m.blob_digest')
      .getRawMany();
    return new Map(rows.map((row) => [row.digest, Number(row.count)]));
  }

  /** Drops documents fetched before `cutoff`; returns how many. */
  async dropFetchedBefore(cutoff: Date): Promise<number> {
    const result = await this.dataSource.getRepository(UpstreamMetadata).delete({ fetchedAt: LessThan(cutoff) });
    return result.affected ?? 0;
  }

  private row(orgId: number, type: PackageType, cacheKey: string): Promise<UpstreamMetadata | null> {
    return this.dataSource.getRepository(UpstreamMetadata).findOne({ where: { orgId, type, cacheKey } });
  }

  private async refresh(settings: UpstreamSettings, key: string, fetch: DocumentFetcher, cached: { row: UpstreamMetadata; body: Buffer } | null): Promise<CachedDocument | null> {
    countMiss(settings.type, 'metadata');
    let fetched: FetchedDocument;
    try {
      fetched = await fetch(cached?.row.etag ?? null);
    } catch (error) {
      if (!(error instanceof UpstreamError) || !cached) throw error;
      upstreamMetrics.stale.inc({ format: settings.type });
      return { body: cached.body, contentType: cached.row.contentType, fetchedAt: cached.row.fetchedAt, stale: true };
    }
    const now = new Date();
    const expiresAt = new Date(now.getTime() + settings.metadataTtlSeconds * 1000);
    if (fetched.kind === 'missing') {
      if (cached) await this.invalidate(settings.orgId, settings.type, key);
      return null;
    }
    if (fetched.kind === 'not-modified') {
      if (!cached) throw new UpstreamError(settings.host, 'answered 304 to a request without a cached copy');
      await this.dataSource.getRepository(UpstreamMetadata).update({ id: cached.row.id }, { fetchedAt: now, expiresAt });
      return { body: cached.body, contentType: cached.row.contentType, fetchedAt: now, stale: false };
    }
    if (key.length <= MAX_KEY_LENGTH) await this.store(settings, key, fetched, now, expiresAt);
    return { body: fetched.body, contentType: fetched.contentType, fetchedAt: now, stale: false };
  }

  private async store(settings: UpstreamSettings, key: string, fetched: Extract<FetchedDocument, { kind: 'found' }>, now: Date, expiresAt: Date): Promise<void> {
    const staged = await this.blobs.stage(Readable.from([fetched.body]));
    await this.packages.registerBlob(staged.digest, staged.size);
    await staged.commit();
    const values = {
      orgId: settings.orgId,
      type: settings.type,
      cacheKey: key,
      blobDigest: staged.digest,
      contentType: fetched.contentType.slice(0, 255),
      etag: fetched.etag && fetched.etag.length <= 255 ? fetched.etag : null,
      fetchedAt: now,
      expiresAt,
    };
    await withTransactionRetry(this.dataSource, (manager) =>
      manager
        .createQueryBuilder()
        .insert()
        .into(UpstreamMetadata)
        .values(values)
        .orUpdate(['blob_digest', 'content_type', 'etag', 'fetched_at', 'expires_at'], ['org_id', 'type', 'cache_key'])
        .execute(),
    );
  }

  /** The stored bytes, or null when they are gone (collected) and must be fetched again. */
  private async read(row: UpstreamMetadata): Promise<Buffer | null> {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of await this.blobs.open(row.blobDigest)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    } catch {
      return null;
    }
  }
}
