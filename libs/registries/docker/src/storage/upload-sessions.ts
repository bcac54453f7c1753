import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { PassThrough, Readable } from 'node:stream';
import { BLOB_STORE, BlobStore, StagedBlob } from '@packgate/registries/core';
import { DOCKER_OPTIONS, DockerOptions } from '../docker-options';
import { OciError } from '../errors';
import type { DigestAlgorithm } from '../names';

/**
 * Resumable blob upload sessions (OCI distribution-spec "Pushing blobs in chunks").
 * Each PATCH body is streamed into the blob store as a staged part (hashed on the way, never held
 * in memory). Closing PUT: one part (what skopeo/podman send: the whole layer in a single PATCH)
 * is checked and committed as it is — no second pass over the data; several parts are joined into
 * one staged blob first. Nothing is visible under a digest until it checks out; a session idle for
 * `uploadIdleSeconds` is discarded with its parts.
 *
 * Sessions live in this process: with several API nodes, route one upload's requests to one node
 * (or share nothing and let clients restart the upload on BLOB_UPLOAD_UNKNOWN).
 */
export interface UploadSession {
  readonly id: string;
  readonly repository: string;
  readonly packageId: number;
  readonly addressBy: DigestAlgorithm;
  parts: StagedBlob[];
  size: number;
  lastActivity: number;
  busy: boolean;
}

@Injectable()
export class UploadSessions implements OnModuleDestroy {
  private readonly sessions = new Map<string, UploadSession>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(DOCKER_OPTIONS) private readonly options: DockerOptions,
  ) {
    this.sweeper = setInterval(() => void this.sweep(), Math.min(60_000, options.uploadIdleSeconds * 250)).unref();
  }

  start(repository: string, packageId: number, addressBy: DigestAlgorithm): UploadSession {
    const session: UploadSession = { id: randomUUID(), repository, packageId, addressBy, parts: [], size: 0, lastActivity: Date.now(), busy: false };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string, repository: string): UploadSession {
    const session = this.sessions.get(id);
    if (!session || session.repository !== repository) throw new OciError('BLOB_UPLOAD_UNKNOWN', undefined, { upload: id.slice(0, 64) });
    session.lastActivity = Date.now();
    return session;
  }

  /** Streams a chunk in. `expectedLength` (from Content-Range) must match what arrives. */
  async append(session: UploadSession, body: Readable, expectedLength?: number): Promise<void> {
    if (session.busy) throw new OciError('BLOB_UPLOAD_INVALID', 'another request is writing to this upload', undefined, { status: 416 });
    session.busy = true;
    try {
      const part = await this.store.stage(body, { addressBy: session.addressBy, maxBytes: this.options.maxBlobBytes - session.size });
      if (expectedLength !== undefined && part.size !== expectedLength) {
        await part.discard();
        throw new OciError('SIZE_INVALID', `chunk has ${part.size} bytes, Content-Range announced ${expectedLength}`);
      }
      if (part.size === 0) await part.discard();
      else {
        session.parts.push(part);
        session.size += part.size;
      }
    } finally {
      session.busy = false;
      session.lastActivity = Date.now();
    }
  }

  /** The session's bytes as one staged blob addressed by `algorithm`; the session ends. */
  async finish(session: UploadSession, algorithm: DigestAlgorithm): Promise<StagedBlob> {
    if (session.busy) throw new OciError('BLOB_UPLOAD_INVALID', 'another request is writing to this upload', undefined, { status: 416 });
    this.sessions.delete(session.id);
    const parts = session.parts;
    if (parts.length === 1 && parts[0].hashes[algorithm]) return parts[0];
    try {
      return await this.store.stage(await this.join(parts), { addressBy: algorithm });
    } finally {
      await Promise.all(parts.map((part) => part.discard()));
    }
  }

  async cancel(session: UploadSession): Promise<void> {
    this.sessions.delete(session.id);
    await Promise.all(session.parts.map((part) => part.discard()));
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.values()].map((session) => this.cancel(session)));
  }

  private async join(parts: StagedBlob[]): Promise<Readable> {
    const out = new PassThrough({ highWaterMark: 256 * 1024 });
    void (async () => {
      try {
        for (const part of parts) {
          for await (const chunk of await part.open()) if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
        }
        out.end();
      } catch (error) {
        out.destroy(error as Error);
      }
    })();
    return out;
  }

  private async sweep(): Promise<void> {
    const limit = Date.now() - this.options.uploadIdleSeconds * 1000;
    for (const session of [...this.sessions.values()]) if (!session.busy && session.lastActivity < limit) await this.cancel(session);
  }
}
