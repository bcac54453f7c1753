import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { BLOB_STORE, BlobStore, StagedBlob } from '@packgate/registries/core';
import { RepositoryAccessService } from '../auth/repository-access.service';
import { DOCKER_OPTIONS, DockerOptions } from '../docker-options';
import { OciError } from '../errors';
import { parseDigest, parseRepositoryName, repositoryNameOf } from '../wire/names';
import { RepositoryService } from './repository.service';
import { UploadSession, UploadSessions } from './upload-sessions';
import { RegistryRequest, RouteOf, queryString } from './registry-request';

/**
 * Blob uploads (distribution-spec "Pushing blobs", "Mounting a blob from another repository";
 * distribution `registry/handlers/blobupload.go`):
 * - `POST uploads/?digest=<d>` with the body → 201 (monolithic, conformance "POST-only").
 * - `POST uploads/?mount=<d>[&from=<repo>]` → 201 when the blob is linked in a repository the caller
 *   may pull (a mount is a read of the source), otherwise a normal session (202).
 * - `POST uploads/` → 202 `Location`, `Docker-Upload-UUID`, `Range: 0-0`.
 * - `PATCH <location>` (optional `Content-Range: a-b`, must continue at the current offset, else
 *   416) → 202 `Range: 0-<last>`. skopeo/podman (c/image) send the whole layer in one PATCH without
 *   Content-Range, chunked when the size is unknown, then `PUT <location>?digest=<d>` (empty body).
 * - `PUT <location>?digest=<d>` (optional last chunk) → 201, digest checked (400 DIGEST_INVALID).
 * - `GET <location>` → 204 progress; `DELETE <location>` → 204 cancel.
 * Observed skopeo push: ping, token, HEAD blob (404), POST, PATCH, PUT — per layer and config —,
 * then PUT manifest.
 */
@Injectable()
export class BlobUploadsHandler {
  constructor(
    private readonly repositories: RepositoryService,
    private readonly sessions: UploadSessions,
    private readonly access: RepositoryAccessService,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(DOCKER_OPTIONS) private readonly options: DockerOptions,
  ) {}

  async start(request: RegistryRequest<RouteOf<'upload'>>): Promise<void> {
    const { req, res, ctx } = request;
    const pkg = await this.repositories.ensurePackage(ctx);
    const mount = queryString(req, 'mount');
    if (mount !== undefined && (await this.tryMount(request, mount))) return;
    const digestParam = queryString(req, 'digest');
    if (digestParam !== undefined) {
      const { digest, algorithm } = parseDigest(digestParam);
      const staged = await this.store.stage(req, { addressBy: algorithm, maxBytes: this.options.maxBlobBytes });
      await this.complete(res, ctx.repo.name, pkg.id, staged, digest);
      return;
    }
    const algorithm = queryString(req, 'digest-algorithm') === 'sha512' ? 'sha512' : 'sha256';
    const session = await this.sessions.start(ctx.repo.name, pkg.id, algorithm);
    req.resume();
    this.progress(res, session, 202);
  }

  async patch({ req, res, route, ctx }: RegistryRequest<RouteOf<'upload'>>): Promise<void> {
    const session = await this.sessions.get(route.uploadId ?? '', ctx.repo.name);
    const updated = await this.sessions.append(session, req, this.expectedLength(req.headers['content-range'], session, res));
    this.progress(res, updated, 202);
  }

  async put({ req, res, route, ctx }: RegistryRequest<RouteOf<'upload'>>): Promise<void> {
    const session = await this.sessions.get(route.uploadId ?? '', ctx.repo.name);
    const { digest, algorithm } = parseDigest(queryString(req, 'digest'));
    const updated = await this.sessions.append(session, req, this.expectedLength(req.headers['content-range'], session, res));
    const staged = await this.sessions.finish(updated, algorithm);
    await this.complete(res, ctx.repo.name, session.packageId, staged, digest);
  }

  async status({ res, route, ctx }: RegistryRequest<RouteOf<'upload'>>): Promise<void> {
    this.progress(res, await this.sessions.get(route.uploadId ?? '', ctx.repo.name), 204);
  }

  async cancel({ res, route, ctx }: RegistryRequest<RouteOf<'upload'>>): Promise<void> {
    await this.sessions.cancel(await this.sessions.get(route.uploadId ?? '', ctx.repo.name));
    res.status(204).end();
  }

  private async tryMount({ req, res, principal, ctx }: RegistryRequest<RouteOf<'upload'>>, mount: string): Promise<boolean> {
    const { digest } = parseDigest(mount);
    const from = queryString(req, 'from');
    const sources = [];
    if (from !== undefined) {
      let source;
      try {
        source = await this.repositories.context(parseRepositoryName(from));
      } catch {
        return false;
      }
      sources.push(source);
    } else {
      for (const packageId of await this.repositories.repositoriesLinking(digest)) {
        const pkg = await this.repositories.findPackageById(packageId);
        if (pkg?.org) sources.push({ repo: repositoryNameOf(pkg.org.slug, pkg.normalizedName), org: pkg.org, pkg });
      }
    }
    for (const source of sources) {
      if (!source.pkg || !this.access.decide(principal, source, 'pull').allowed) continue;
      if (!(await this.repositories.linkedBlob(source.pkg.id, digest))) continue;
      await this.repositories.link(ctx.pkg!.id, digest);
      req.resume();
      this.created(res, ctx.repo.name, digest);
      return true;
    }
    return false;
  }

  private async complete(res: Response, repository: string, packageId: number, staged: StagedBlob, digest: string): Promise<void> {
    if (staged.digest !== digest) {
      await staged.discard();
      throw new OciError('DIGEST_INVALID', undefined, { expected: digest, received: staged.digest });
    }
    // Row first: it restarts the GC grace period before the bytes are (re)placed, so a collection
    // running now cannot delete a file this upload has just committed.
    await this.repositories.registerBlob(packageId, digest, staged.size);
    await staged.commit();
    this.created(res, repository, digest);
  }

  private created(res: Response, repository: string, digest: string): void {
    res.status(201);
    res.setHeader('Location', `/v2/${repository}/blobs/${digest}`);
    res.setHeader('Docker-Content-Digest', digest);
    res.setHeader('Content-Length', '0');
    res.end();
  }

  private progress(res: Response, session: UploadSession, status: number): void {
    res.status(status);
    res.setHeader('Location', `/v2/${session.repository}/blobs/uploads/${session.id}`);
    res.setHeader('Docker-Upload-UUID', session.id);
    res.setHeader('Range', `0-${Math.max(0, session.size - 1)}`);
    res.setHeader('Content-Length', '0');
    res.end();
  }

  /** `Content-Range: a-b` (inclusive; `bytes ` prefix and `/total` tolerated) must continue the upload. */
  private expectedLength(header: string | undefined, session: UploadSession, res: Response): number | undefined {
    if (!header) return undefined;
    const match = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
    if (!match) throw new OciError('BLOB_UPLOAD_INVALID', 'malformed Content-Range', { contentRange: header.slice(0, 100) }, { status: 400 });
    const start = Number(match[1]);
    const end = Number(match[2]);
    if (start !== session.size || end < start) {
      res.setHeader('Location', `/v2/${session.repository}/blobs/uploads/${session.id}`);
      res.setHeader('Docker-Upload-UUID', session.id);
      throw new OciError('RANGE_INVALID', `chunk must start at offset ${session.size}`, { contentRange: header.slice(0, 100) }, { status: 416, headers: { Range: `0-${Math.max(0, session.size - 1)}` } });
    }
    return end - start + 1;
  }
}

