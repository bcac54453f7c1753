import { Injectable } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import { BLOB_STORE, BlobStore, ByteRange, answerRedirect, classifyDependencyFailure, openBlobBody, sendBlobBody } from '@packgate/registries/core';
import { OciError } from '../errors';
import { parseDigest } from '../wire/names';
import { RepositoryService } from './repository.service';
import type { RegistryRequest, RouteOf } from './registry-request';

/**
 * `HEAD|GET|DELETE /v2/<name>/blobs/<digest>` (distribution-spec "Pulling blobs", "Deleting
 * blobs"; distribution `registry/handlers/blob.go`). Streams from the blob store with
 * `Content-Length` and `Docker-Content-Digest` (docker needs the length on HEAD, c/image reads the
 * size from HEAD), `Range: bytes=a-b` → 206 (c/image resumes pulls that way). A blob is only visible
 * through repositories it is linked to.
 */
@Injectable()
export class BlobsHandler {
  constructor(
    private readonly repositories: RepositoryService,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
  ) {}

  async get({ req, res, route, ctx }: RegistryRequest<RouteOf<'blob'>>): Promise<void> {
    const { digest } = parseDigest(route.digest);
    const blob = await this.repositories.linkedBlob(ctx.pkg?.id, digest);
    if (!blob) throw new OciError('BLOB_UNKNOWN', undefined, { digest });
    const range = parseRange(req.headers.range, blob.size);
    res.setHeader('Docker-Content-Digest', digest);
    const redirect = req.method === 'GET' && blob.size > 0 ? await this.store.downloadUrl?.(digest) : null;
    if (redirect) return answerRedirect(res, redirect);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Cache-Control', 'max-age=31536000');
    if (range) {
      res.status(206);
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${blob.size}`);
      res.setHeader('Content-Length', String(range.end - range.start + 1));
    } else {
      res.status(200);
      res.setHeader('Content-Length', String(blob.size));
    }
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    let body;
    try {
      body = await openBlobBody(this.store, digest, range && blob.size > 0 ? range : undefined);
    } catch (error) {
      if (classifyDependencyFailure(error)) throw error;
      throw new OciError('BLOB_UNKNOWN', 'blob content is missing from storage', { digest });
    }
    await sendBlobBody(res, body);
  }

  async delete({ res, route, ctx }: RegistryRequest<RouteOf<'blob'>>): Promise<void> {
    const { digest } = parseDigest(route.digest);
    if (!ctx.pkg || !(await this.repositories.unlink(ctx.pkg.id, digest))) throw new OciError('BLOB_UNKNOWN', undefined, { digest });
    res.status(202).setHeader('Content-Length', '0');
    res.end();
  }
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n`; anything else (or several ranges) serves the whole blob. */
export function parseRange(header: string | undefined, size: number): ByteRange | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start > end || start >= size) {
    throw new OciError('RANGE_INVALID', 'requested range not satisfiable', undefined, { headers: { 'Content-Range': `bytes */${size}` } });
  }
  return { start, end };
}
