import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { TtlCache } from '@packgate/auth';
import {
  FetchedDocument,
  NotFoundError,
  Package,
  PackageFile,
  PackageService,
  UpstreamClient,
  UpstreamError,
  UpstreamFileCache,
  UpstreamMetadataCache,
  UpstreamSettings,
} from '@packgate/registries/core';
import type { NpmName } from '../wire/npm-names';
import { NPM_OPTIONS, NpmOptions } from '../npm-options';
import { abbreviatePackument } from '../wire/packument';
import { primaryTarballDigest } from './tarball-digest';
import { UpstreamDocumentError, parseUpstreamPackument, rewriteUpstreamPackument, upstreamPackumentUrl, upstreamTarballFor } from './upstream-packument';

export interface RenderedProxiedPackument {
  body: string;
  etag: string;
  /** Served from an expired copy because the upstream failed: answer with a `Warning`. */
  stale: boolean;
}

interface RenderedEntry {
  stamp: string;
  /** sha256 of the upstream's bytes the entry was rendered from. */
  digest: string;
  full: { body: string; etag: string };
  abbreviated: { body: string; etag: string };
}

/** Rendered upstream packuments kept in memory (parsed once per fetch, not once per request). */
const RENDER_CACHE_ENTRIES = 2000;
const RENDER_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * npm names served from the org's npm upstream (README "Upstream proxy"): the packument comes from
 * the core metadata cache (fetched as the full document, kept for the upstream's TTL, stale when
 * the upstream fails) with tarball URLs rewritten to this registry; a tarball is downloaded on its
 * first request, checked against the packument's `dist.integrity` (sha512, else the sha1 `shasum`)
 * while it streams into the blob store, and stored as a file of a package of source `upstream`.
 * Which names get here (the confusion rules) and who may read them is decided before, by the core
 * UpstreamGate.
 */
@Injectable()
export class NpmUpstreamService {
  private readonly rendered = new TtlCache<string, RenderedEntry>(Infinity, {
    maxEntries: RENDER_CACHE_ENTRIES,
    maxBytes: RENDER_CACHE_BYTES,
    maxEntryBytes: RENDER_CACHE_BYTES / 4,
    sizeOf: (entry) => 2 * (entry.stamp.length + entry.full.body.length + entry.abbreviated.body.length),
  });

  constructor(
    private readonly metadata: UpstreamMetadataCache,
    private readonly files: UpstreamFileCache,
    private readonly client: UpstreamClient,
    private readonly packages: PackageService,
    @Inject(NPM_OPTIONS) private readonly options: NpmOptions,
  ) {}

  /** The rendered packument (full or abbreviated) of an upstream name; NotFoundError when the upstream has none. */
  async render(settings: UpstreamSettings, slug: string, name: NpmName, abbreviated: boolean): Promise<RenderedProxiedPackument> {
    const cached = await this.document(settings, name);
    const stamp = `${cached.fetchedAt.getTime()}:${cached.body.length}:${this.options.config.publicUrl}`;
    const key = `${settings.orgId}\n${name.full}`;
    let entry = this.rendered.get(key);
    if (!entry || entry.stamp !== stamp) {
      // Refetched (a short TTL refetches often): parse again only when the bytes changed.
      const digest = createHash('sha256').update(cached.body).digest('base64url');
      if (entry && entry.digest === digest && entry.stamp.endsWith(`:${this.options.config.publicUrl}`)) {
        entry = { ...entry, stamp };
      } else {
        const full = rewriteUpstreamPackument(this.parse(settings, cached.body, name), name, this.options.config.publicUrl, slug, cached.fetchedAt);
        entry = { stamp, digest, full: withEtag(JSON.stringify(full)), abbreviated: withEtag(JSON.stringify(abbreviatePackument(full))) };
      }
      this.rendered.set(key, entry);
    }
    return { ...(abbreviated ? entry.abbreviated : entry.full), stale: cached.stale };
  }

  /** The stored tarball of an upstream name, downloaded and verified first when it is not stored yet. */
  async tarball(settings: UpstreamSettings, cached: Package | null, name: NpmName, filename: string): Promise<PackageFile> {
    if (cached) {
      const stored = await this.packages.findFile(cached.id, filename);
      if (stored) return stored;
    }
    const doc = this.parse(settings, (await this.document(settings, name)).body, name);
    const tarball = upstreamTarballFor(doc, name, filename);
    if (!tarball) throw new NotFoundError(`no tarball ${filename.slice(0, 100)} in ${name.full}`);
    const expected = primaryTarballDigest(tarball);
    if (!expected) throw new UpstreamError(settings.host, `${name.full}@${tarball.version} publishes neither a sha512 integrity nor a sha1 shasum; it is not proxied because it cannot be verified`);
    const url = this.client.resolve(settings, tarball.url);
    // The document decides where the bytes come from: never let it point the server elsewhere.
    if (url.origin !== new URL(settings.url).origin) {
      throw new UpstreamError(settings.host, `the tarball of ${name.full}@${tarball.version} is on another host (${url.host}); only tarballs on the upstream's own host are proxied`);
    }
    const { readme: _readme, ...manifest } = tarball.manifest;
    return this.files.fetch({
      settings,
      name: name.full,
      version: tarball.version,
      filename,
      url,
      expected,
      versionMetadata: manifest,
      fileMetadata: expected.algorithm === 'sha512' ? { integrity: tarball.integrity, ...(tarball.shasum ? { shasum: tarball.shasum } : {}) } : { shasum: expected.hex },
      maxBytes: this.options.maxBodyBytes,
    });
  }

  private async document(settings: UpstreamSettings, name: NpmName): Promise<{ body: Buffer; fetchedAt: Date; stale: boolean }> {
    const cached = await this.metadata.get(settings, `packument/${name.full}`, (etag) => this.fetch(settings, name, etag));
    if (!cached) throw new NotFoundError(`package ${name.full} not found (not in this org, nor on its upstream ${settings.host})`);
    return cached;
  }

  private async fetch(settings: UpstreamSettings, name: NpmName, etag: string | null): Promise<FetchedDocument> {
    const answer = await this.client.fetchDocument(settings, upstreamPackumentUrl(settings.url, name), {
      headers: { accept: 'application/json', ...(etag ? { 'if-none-match': etag } : {}) },
    });
    if (answer.status === 404 || answer.status === 410) return { kind: 'missing' };
    if (answer.status === 304) return { kind: 'not-modified' };
    // Checked before it is cached, so a broken document never replaces a good one.
    this.parse(settings, answer.body, name);
    const answerEtag = answer.headers.etag;
    return { kind: 'found', body: answer.body, contentType: 'application/json', etag: typeof answerEtag === 'string' ? answerEtag : null };
  }

  private parse(settings: UpstreamSettings, body: Buffer, name: NpmName): Record<string, unknown> {
    try {
      return parseUpstreamPackument(body.toString('utf8'), name);
    } catch (error) {
      if (error instanceof UpstreamDocumentError) throw new UpstreamError(settings.host, `${error.message} for ${name.full}`);
      throw error;
    }
  }
}

function withEtag(body: string): { body: string; etag: string } {
  return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}
