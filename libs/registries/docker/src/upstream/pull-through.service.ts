import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { BLOB_STORE, BlobStore, STALE_WARNING, StagedBlob, UpstreamSettings, UpstreamSettingsService, countHit, countMiss, decideSource, upstreamMetrics, UpstreamError as CoreUpstreamError } from '@packgate/registries/core';
import { DOCKER_OPTIONS, DockerOptions } from '../docker-options';
import { OciError } from '../errors';
import { Descriptor, ParsedManifest, parseManifest } from '../wire/manifest-parser';
import { algorithmOf, isDigest, isTag, parseDigest } from '../wire/names';
import type { RegistryRequest } from '../services/registry-request';
import { RepositoryContext, RepositoryService } from '../services/repository.service';
import type { UpstreamAccess } from '../auth/repository-access.service';
import { UpstreamRepositories } from './upstream-repositories';
import { UpstreamError } from './upstream-error';
import { UpstreamManifest, UpstreamRegistryClient, UpstreamTarget } from './upstream-registry-client';
import { DOCKER_UPSTREAM_CLIENT } from './upstream-client.provider';

/** A repository under the org's docker upstream prefix: `{org}/{prefix}/{upstream repository}`. */
export interface ProxiedRepository {
  settings: UpstreamSettings;
  /** The repository name on the upstream (the path after the prefix, e.g. `library/alpine`). */
  upstreamName: string;
  /** Set when the name matches a reserved pattern: never fetched. */
  reservedPattern: string | null;
}

const BLOB_FETCH_CONCURRENCY = 3;

/**
 * Docker pull-through: a repository `{org}/{prefix}/{name}` whose prefix is the org's docker
 * upstream prefix is a read-only cache of `{name}` on that upstream. Before the normal handlers run,
 * `prepare` makes sure what the request reads is stored:
 * - manifests by digest are immutable: fetched once, then always served from the store;
 * - tags are re-checked after the upstream's `metadataTtlSeconds` (HEAD, then GET only when the
 *   digest moved); when the upstream fails, the stored tag is served with a `Warning` header;
 * - an image manifest is stored with its config and layers (each fetched, verified against its
 *   digest while staging, committed only when every one checks out); an index is stored alone and
 *   its platform manifests are fetched when a client asks for them by digest;
 * - a blob asked for directly is fetched when it is not linked to the repository yet.
 * Nothing the upstream sends is stored unless it matches its digest. Writes are refused: pushes
 * never go upstream. A repository that exists locally (pushed before the upstream was set up) is
 * never looked up upstream (the dependency-confusion rule), nor is a name matching a reserved pattern.
 */
@Injectable()
export class PullThroughService {
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly repositories: RepositoryService,
    private readonly upstreamRepositories: UpstreamRepositories,
    private readonly settings: UpstreamSettingsService,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(DOCKER_UPSTREAM_CLIENT) private readonly client: UpstreamRegistryClient,
    @Inject(DOCKER_OPTIONS) private readonly options: DockerOptions,
  ) {}

  /** The upstream this repository is proxied from, or null when it is served locally only. */
  async proxied(ctx: RepositoryContext): Promise<ProxiedRepository | null> {
    if (!ctx.org) return null;
    const slash = ctx.repo.packageName.indexOf('/');
    if (slash < 0) return null;
    const settings = await this.settings.findByPrefix(ctx.org.id, ctx.repo.packageName.slice(0, slash));
    if (!settings) return null;
    const upstreamName = ctx.repo.packageName.slice(slash + 1);
    const decision = decideSource(ctx.pkg, settings, upstreamName);
    if (decision.kind === 'private' || decision.kind === 'none') return null;
    return { settings, upstreamName, reservedPattern: decision.kind === 'reserved' ? decision.pattern : null };
  }

  /** What the access step needs to know about a proxied repository (the evaluator decides with it). */
  async accessHint(ctx: RepositoryContext): Promise<UpstreamAccess> {
    return { upstream: true, upstreamAnonymousReads: ctx.org ? await this.settings.anonymousReads(ctx.org.id) : false };
  }

  /**
   * Runs before the resource handler: for a proxied repository, refuses writes and makes sure what
   * the request reads is stored; for a repository cached from an upstream that is no longer set
   * up, refuses writes (a cache never turns into a pushed repository; an org admin deletes it first).
   */
  async prepare(proxy: ProxiedRepository | null, { req, res, route, ctx }: RegistryRequest): Promise<void> {
    const read = (req.method === 'GET' || req.method === 'HEAD') && route.kind !== 'upload';
    if (!proxy) {
      if (!read && ctx.pkg?.source === 'upstream') {
        throw new OciError('DENIED', `${ctx.repo.name} is cached from an upstream registry; an org admin must delete the cached package before images can be pushed under this name`, { name: ctx.repo.name });
      }
      return;
    }
    if (proxy.reservedPattern !== null) {
      throw new OciError('NAME_UNKNOWN', `${proxy.upstreamName} is reserved for private images in ${ctx.repo.org} (matches "${proxy.reservedPattern}"); it is never fetched from the upstream`, { name: ctx.repo.name });
    }
    if (!read) {
      throw new OciError('DENIED', `${ctx.repo.org}/${proxy.settings.prefix}/ is a read-only cache of ${proxy.settings.host}: pushes and deletes never go upstream`, { name: ctx.repo.name });
    }
    try {
      if (route.kind === 'manifest') await this.ensureManifest(proxy, ctx, route.reference, res);
      else if (route.kind === 'blob') await this.ensureBlob(proxy, ctx, parseDigest(route.digest).digest);
    } catch (error) {
      throw toOciError(error, route.kind === 'blob' ? 'BLOB_UNKNOWN' : 'MANIFEST_UNKNOWN');
    }
    // A concurrent request may have created the repository while this one waited on its fetch.
    if (!ctx.pkg) ctx.pkg = (await this.repositories.context(ctx.repo)).pkg;
  }

  // ---- manifests ---------------------------------------------------------------------------------

  private async ensureManifest(proxy: ProxiedRepository, ctx: RepositoryContext, reference: string, res: Response): Promise<void> {
    if (isDigest(reference)) {
      const { digest } = parseDigest(reference);
      if (ctx.pkg && (await this.repositories.findManifest(ctx.pkg.id, digest))) {
        countHit('docker', 'metadata');
        return;
      }
      await this.once(`m\n${ctx.repo.name}\n${digest}`, () => this.fetchManifest(proxy, ctx, digest, null));
      return;
    }
    if (!isTag(reference)) return; // the handler answers MANIFEST_UNKNOWN
    const tag = ctx.pkg ? await this.repositories.findTag(ctx.pkg.id, reference) : null;
    if (tag && tag.name === reference && this.fresh(proxy, tag.updatedAt)) {
      countHit('docker', 'metadata');
      return;
    }
    try {
      await this.once(`t\n${ctx.repo.name}\n${reference}`, () => this.refreshTag(proxy, ctx, reference, tag?.name === reference ? tag.manifestDigest : null));
    } catch (error) {
      if (!(error instanceof UpstreamError) || !tag || tag.name !== reference || error.kind === 'tampered' || error.kind === 'not-found') throw error;
      // The upstream failed: the stored tag is still what we know best.
      upstreamMetrics.stale.inc({ format: 'docker' });
      res.setHeader('Warning', STALE_WARNING);
    }
  }

  private fresh(proxy: ProxiedRepository, checkedAt: Date): boolean {
    const age = Date.now() - checkedAt.getTime();
    return age < proxy.settings.metadataTtlSeconds * 1000 && checkedAt.getTime() >= proxy.settings.updatedAt.getTime();
  }

  /** A tag past its TTL (or never seen): HEAD upstream; same digest → touch the tag, else fetch. */
  private async refreshTag(proxy: ProxiedRepository, ctx: RepositoryContext, tag: string, storedDigest: string | null): Promise<void> {
    const target = this.target(proxy);
    if (storedDigest && ctx.pkg) {
      const current = await this.client.manifestDigest(target, proxy.upstreamName, tag);
      const stored = current === storedDigest ? await this.repositories.findManifest(ctx.pkg.id, storedDigest) : null;
      if (stored) {
        countHit('docker', 'metadata');
        const parsed = parseManifest(await this.readStored(storedDigest), stored.mediaType);
        await this.repositories.saveManifest(ctx.pkg, { digest: stored.digest, size: stored.size, parsed }, tag);
        return;
      }
    }
    await this.fetchManifest(proxy, ctx, tag, tag);
  }

  private async fetchManifest(proxy: ProxiedRepository, ctx: RepositoryContext, reference: string, tag: string | null): Promise<void> {
    countMiss('docker', 'metadata');
    const target = this.target(proxy);
    let fetched: UpstreamManifest;
    try {
      fetched = await this.client.manifest(target, proxy.upstreamName, reference);
    } catch (error) {
      countFailure(error);
      throw error;
    }
    let parsed: ParsedManifest;
    try {
      parsed = parseManifest(fetched.bytes, fetched.mediaType);
    } catch (error) {
      throw new UpstreamError('invalid', proxy.settings.host, `upstream ${proxy.settings.host} sent a manifest Packgate cannot store: ${(error as Error).message}`);
    }
    const staged = await this.stageBlobs(proxy, ctx, parsed.blobs);
    let manifestBytes: StagedBlob | null = null;
    try {
      manifestBytes = await this.store.stage(Readable.from([fetched.bytes]), { addressBy: algorithmOf(fetched.digest) });
      if (manifestBytes.digest !== fetched.digest) throw new Error('manifest bytes changed while staging');
      const pkg = await this.upstreamRepositories.ensure(ctx);
      for (const blob of staged) {
        if (blob.staged) await blob.staged.commit();
        await this.repositories.registerBlob(pkg.id, blob.digest, blob.size);
      }
      await manifestBytes.commit();
      await this.repositories.saveManifest(pkg, { digest: fetched.digest, size: fetched.bytes.length, parsed }, tag);
    } catch (error) {
      await Promise.all([manifestBytes?.discard(), ...staged.map((blob) => blob.staged?.discard())].map((done) => done?.catch(() => undefined)));
      throw error;
    }
  }

  private async readStored(digest: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.store.open(digest)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  // ---- blobs -------------------------------------------------------------------------------------

  private async ensureBlob(proxy: ProxiedRepository, ctx: RepositoryContext, digest: string): Promise<void> {
    if (await this.repositories.linkedBlob(ctx.pkg?.id, digest)) {
      countHit('docker', 'file');
      return;
    }
    await this.once(`b\n${ctx.repo.name}\n${digest}`, async () => {
      const [blob] = await this.stageBlobs(proxy, ctx, [{ digest, size: -1, mediaType: '' }]);
      if (!blob) return; // linked meanwhile
      try {
        const pkg = await this.upstreamRepositories.ensure(ctx);
        if (blob.staged) await blob.staged.commit();
        await this.repositories.registerBlob(pkg.id, blob.digest, blob.size);
      } catch (error) {
        await blob.staged?.discard().catch(() => undefined);
        throw error;
      }
    });
  }

  /**
   * Fetches the blobs not linked here yet into staging, each verified against its digest (and its
   * descriptor size); any failure discards everything staged. A blob the store already holds (from
   * another repository) is only linked once the upstream confirms this repository has it: knowing a
   * digest must not read someone else's layer.
   */
  private async stageBlobs(proxy: ProxiedRepository, ctx: RepositoryContext, descriptors: readonly Descriptor[]): Promise<StagedDownload[]> {
    const unique = [...new Map(descriptors.map((d) => [d.digest, d])).values()];
    const results: StagedDownload[] = [];
    const queue = [...unique];
    const failures: unknown[] = [];
    const worker = async () => {
      for (let next = queue.shift(); next && failures.length === 0; next = queue.shift()) {
        try {
          const download = await this.stageBlob(proxy, ctx, next);
          if (download) results.push(download);
        } catch (error) {
          failures.push(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(BLOB_FETCH_CONCURRENCY, unique.length) }, worker));
    if (failures.length > 0) {
      await Promise.all(results.map((result) => result.staged?.discard().catch(() => undefined)));
      throw failures[0];
    }
    return results;
  }

  private async stageBlob(proxy: ProxiedRepository, ctx: RepositoryContext, descriptor: Descriptor): Promise<StagedDownload | null> {
    const { digest } = parseDigest(descriptor.digest);
    if (await this.repositories.linkedBlob(ctx.pkg?.id, digest)) return null;
    const target = this.target(proxy);
    const host = proxy.settings.host;
    try {
      const storedSize = await this.store.size(digest);
      if (storedSize !== null && (descriptor.size < 0 || descriptor.size === storedSize)) {
        if (!(await this.client.hasBlob(target, proxy.upstreamName, digest))) throw new UpstreamError('not-found', host, `blob ${digest} not found on upstream ${host}`);
        countHit('docker', 'file');
        return { digest, size: storedSize, staged: null };
      }
      countMiss('docker', 'file');
      const blob = await this.client.blob(target, proxy.upstreamName, digest);
      if (descriptor.size >= 0 && blob.size !== null && blob.size !== descriptor.size) {
        blob.body.destroy();
        throw new UpstreamError('tampered', host, `blob ${digest} from upstream ${host} has ${blob.size} bytes, its manifest says ${descriptor.size}`);
      }
      let staged: StagedBlob;
      try {
        // Never more than the manifest (or, for a blob asked for directly, the upstream's length) says.
        const maxBytes = descriptor.size >= 0 ? descriptor.size : (blob.size ?? this.options.maxBlobBytes);
        staged = await this.store.stage(blob.body, { addressBy: algorithmOf(digest), maxBytes });
      } catch (error) {
        if (error instanceof UpstreamError) throw error;
        // The upstream broke off or stalled mid-blob (the core client counted it).
        if (error instanceof CoreUpstreamError) throw new UpstreamError('unreachable', host, error.message, true);
        if ((error as { status?: number }).status === 413) throw new UpstreamError('tampered', host, `blob ${digest} from upstream ${host} is larger than its manifest says`);
        throw error;
      }
      if (staged.digest !== digest || (descriptor.size >= 0 && staged.size !== descriptor.size)) {
        await staged.discard();
        throw new UpstreamError('tampered', host, `blob from upstream ${host} does not match its digest ${digest} (got ${staged.digest})`);
      }
      return { digest, size: staged.size, staged };
    } catch (error) {
      countFailure(error);
      throw error;
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private target(proxy: ProxiedRepository): UpstreamTarget {
    return proxy.settings;
  }

  /** One fetch per key at a time on this node: concurrent pulls of one layer share it. */
  private once<T>(key: string, work: () => Promise<T>): Promise<T> {
    let flight = this.inflight.get(key) as Promise<T> | undefined;
    if (!flight) {
      flight = work().finally(() => this.inflight.delete(key));
      this.inflight.set(key, flight);
    }
    return flight;
  }
}

interface StagedDownload {
  digest: string;
  size: number;
  /** Null when the store already had the bytes (only a link is needed). */
  staged: StagedBlob | null;
}

/** Upstream failures the core client did not count already (bad statuses, digest mismatches). */
function countFailure(error: unknown): void {
  if (error instanceof UpstreamError && error.kind !== 'not-found' && !error.counted) upstreamMetrics.errors.inc({ format: 'docker' });
}

/** The OCI answer for an upstream failure: 404 when the upstream has no such thing, else 502 naming the upstream. */
function toOciError(error: unknown, missing: 'BLOB_UNKNOWN' | 'MANIFEST_UNKNOWN'): unknown {
  if (!(error instanceof UpstreamError)) return error;
  if (error.kind === 'not-found') return new OciError(missing, error.message);
  return new OciError('UNKNOWN', error.message, { upstream: error.host }, { status: 502 });
}
