import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { Readable } from 'node:stream';
import { AuditService, TtlCache } from '@packgate/auth';
import { BLOB_STORE, BlobStore } from '@packgate/registries/core';
import { DOCKER_OPTIONS, DockerOptions } from '../docker-options';
import type { DockerManifest } from '../entities';
import { OciError } from '../errors';
import { parseManifest } from '../wire/manifest-parser';
import { DigestAlgorithm, isDigest, isTag, parseDigest } from '../wire/names';
import { RepositoryService } from './repository.service';
import { RegistryRequest, RouteOf, queryStrings } from './registry-request';

/**
 * `GET|HEAD|PUT|DELETE /v2/<name>/manifests/<tag|digest>` (distribution-spec "Pulling manifests",
 * "Pushing manifests", "Deleting tags/manifests"; distribution `registry/handlers/manifests.go`).
 * PUT stores the exact bytes (digest = hash of the raw body), requires every referenced blob to be
 * linked in this repository and every index entry to exist here (MANIFEST_BLOB_UNKNOWN), accepts a
 * missing `subject` target, answers 201 with `Docker-Content-Digest` (docker fails without it) and
 * `OCI-Subject`. Bodies above `maxManifestBytes` (4 MiB) → 413. GET serves what was pushed, with
 * its media type — no format conversion. podman/skopeo `Accept`: OCI manifest, Docker v2, v1,
 * Docker list, OCI index.
 */
@Injectable()
export class ManifestsHandler {
  private readonly cache = new TtlCache<string, Buffer>(Infinity, { maxEntries: 10_000, maxBytes: 16 * 1024 * 1024, maxEntryBytes: 1024 * 1024, sizeOf: (bytes) => bytes.length });

  constructor(
    private readonly repositories: RepositoryService,
    private readonly audit: AuditService,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(DOCKER_OPTIONS) private readonly options: DockerOptions,
  ) {}

  async get({ req, res, route, ctx }: RegistryRequest<RouteOf<'manifest'>>): Promise<void> {
    const manifest = await this.resolve(ctx.pkg?.id, route.reference);
    res.status(200);
    res.setHeader('Content-Type', manifest.mediaType);
    res.setHeader('Content-Length', String(manifest.size));
    res.setHeader('Docker-Content-Digest', manifest.digest);
    res.setHeader('ETag', `"${manifest.digest}"`);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    res.end(await this.bytesOf(manifest));
  }

  /** Manifest bytes are content-addressed, hence immutable: small ones are kept in a bounded cache. */
  private async bytesOf(manifest: DockerManifest): Promise<Buffer> {
    const cached = this.cache.get(manifest.digest);
    if (cached) return cached;
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of await this.store.open(manifest.digest)) chunks.push(chunk as Buffer);
    } catch {
      throw new OciError('MANIFEST_UNKNOWN', 'manifest content is missing from storage', { digest: manifest.digest });
    }
    const bytes = Buffer.concat(chunks);
    this.cache.set(manifest.digest, bytes);
    return bytes;
  }

  async put({ req, res, principal, meta, route, ctx }: RegistryRequest<RouteOf<'manifest'>>): Promise<void> {
    const byDigest = isDigest(route.reference);
    if (!byDigest && !isTag(route.reference)) throw new OciError('TAG_INVALID', 'invalid tag', { tag: route.reference.slice(0, 200) });
    const expected = byDigest ? parseDigest(route.reference) : null;
    const tags = [...(byDigest ? [] : [route.reference]), ...queryStrings(req, 'tag')];
    for (const tag of tags) if (!isTag(tag)) throw new OciError('TAG_INVALID', 'invalid tag', { tag: tag.slice(0, 200) });
    const bytes = await this.readBody(req);
    const algorithm: DigestAlgorithm = expected?.algorithm ?? 'sha256';
    const digest = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
    if (expected && expected.digest !== digest) throw new OciError('DIGEST_INVALID', 'manifest digest does not match the reference', { expected: expected.digest, received: digest });
    const parsed = parseManifest(bytes, req.headers['content-type']);
    const pkg = ctx.pkg;
    for (const blob of parsed.blobs) {
      const stored = pkg ? await this.repositories.linkedBlob(pkg.id, blob.digest) : null;
      if (!stored) throw new OciError('MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry', { digest: blob.digest });
      if (stored.size !== blob.size) throw new OciError('MANIFEST_INVALID', `descriptor size ${blob.size} does not match blob size ${stored.size}`, { digest: blob.digest });
    }
    for (const child of parsed.manifests) {
      if (!pkg || !(await this.repositories.findManifest(pkg.id, child.digest))) throw new OciError('MANIFEST_BLOB_UNKNOWN', 'manifest unknown to registry', { digest: child.digest });
    }
    const target = await this.repositories.ensurePackage(ctx);
    const staged = await this.store.stage(Readable.from([bytes]), { addressBy: algorithm });
    await staged.commit();
    for (const tag of tags.length > 0 ? tags : [null]) await this.repositories.saveManifest(target, { digest, size: bytes.length, parsed }, tag);
    await this.audit.record({
      org: ctx.repo.org,
      principal,
      action: 'docker.push',
      resource: `docker:${ctx.repo.name}@${digest}`,
      result: 'success',
      ip: meta.ip,
      details: { tags, mediaType: parsed.mediaType, size: bytes.length },
    });
    res.status(201);
    res.setHeader('Location', `/v2/${ctx.repo.name}/manifests/${digest}`);
    res.setHeader('Docker-Content-Digest', digest);
    if (parsed.subject) res.setHeader('OCI-Subject', parsed.subject.digest);
    if (tags.length > 0 && byDigest) res.setHeader('OCI-Tag', tags.join(','));
    res.setHeader('Content-Length', '0');
    res.end();
  }

  async delete({ res, principal, meta, route, ctx }: RegistryRequest<RouteOf<'manifest'>>): Promise<void> {
    if (!ctx.pkg) throw new OciError('NAME_UNKNOWN', undefined, { name: ctx.repo.name });
    if (isDigest(route.reference)) {
      const { digest } = parseDigest(route.reference);
      const manifest = await this.repositories.findManifest(ctx.pkg.id, digest);
      if (!manifest) throw new OciError('MANIFEST_UNKNOWN', undefined, { digest });
      await this.repositories.deleteManifest(manifest);
    } else {
      const tag = isTag(route.reference) ? await this.repositories.findTag(ctx.pkg.id, route.reference) : null;
      if (!tag || tag.name !== route.reference) throw new OciError('MANIFEST_UNKNOWN', undefined, { tag: route.reference.slice(0, 200) });
      await this.repositories.deleteTag(tag);
    }
    await this.audit.record({ org: ctx.repo.org, principal, action: 'docker.delete', resource: `docker:${ctx.repo.name}:${route.reference}`, result: 'success', ip: meta.ip });
    res.status(202).setHeader('Content-Length', '0');
    res.end();
  }

  private async resolve(packageId: number | undefined, reference: string): Promise<DockerManifest> {
    if (packageId === undefined) throw new OciError('NAME_UNKNOWN');
    if (isDigest(reference)) {
      const { digest } = parseDigest(reference);
      const manifest = await this.repositories.findManifest(packageId, digest);
      if (!manifest) throw new OciError('MANIFEST_UNKNOWN', undefined, { digest });
      return manifest;
    }
    if (!isTag(reference)) throw new OciError('MANIFEST_UNKNOWN', 'invalid tag or digest', { reference: reference.slice(0, 200) });
    const manifest = await this.repositories.findManifestByTag(packageId, reference);
    if (!manifest) throw new OciError('MANIFEST_UNKNOWN', undefined, { tag: reference });
    return manifest;
  }

  /** Manifests are small JSON documents: read into memory, bounded. */
  private async readBody(req: Request): Promise<Buffer> {
    const limit = this.options.maxManifestBytes;
    const tooLarge = () => new OciError('MANIFEST_INVALID', `manifest larger than ${limit} bytes`, { limit }, { status: 413 });
    if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw tooLarge();
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }
}
