import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { PassThrough, Readable } from 'node:stream';
import { LessThan, Repository } from 'typeorm';
import { BLOB_STORE, BlobStore, StagedBlob } from '@packgate/registries/core';
import { DOCKER_OPTIONS, DockerOptions } from '../docker-options';
import { DockerUploadSession } from '../entities/docker-upload-session.entity';
import { OciError } from '../errors';
import type { DigestAlgorithm } from '../wire/names';

/**
 * Resumable blob upload sessions (OCI distribution-spec "Pushing blobs in chunks").
 * Each PATCH body is streamed into blob-store staging as a staged part (hashed on the way, never
 * held in memory) and only then recorded in the session's row: a 202 always describes bytes that
 * are on disk and in the database, so a restart (or another node) continues where the client
 * left off. Closing PUT: one part (what skopeo/podman send: the whole layer in a single PATCH) is
 * checked and committed as it is — no second pass over the data; several parts are joined into one
 * staged blob first. Nothing is visible under a digest until it checks out; a session idle for
 * `uploadIdleSeconds` is discarded with its parts.
 *
 * Nothing ties a session to the process that opened it: concurrent writers (on this node or any
 * other) are told apart by conditional statements on the row (`size` for appends and the closing
 * PUT), and a chunk being received keeps the row's `lastActivity` fresh so no node's sweep takes it.
 */
export interface UploadSession {
  readonly id: string;
  readonly repository: string;
  readonly packageId: number;
  readonly addressBy: DigestAlgorithm;
  readonly parts: StagedBlob[];
  readonly size: number;
}

@Injectable()
export class UploadSessions implements OnModuleDestroy {
  private readonly logger = new Logger('UploadSessions');
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(DOCKER_OPTIONS) private readonly options: DockerOptions,
    @InjectRepository(DockerUploadSession) private readonly rows: Repository<DockerUploadSession>,
  ) {
    this.sweeper = setInterval(() => void this.sweep().catch((error: Error) => this.logger.warn(`upload sweep failed: ${error.message}`)), Math.min(60_000, options.uploadIdleSeconds * 250)).unref();
  }

  async start(repository: string, packageId: number, addressBy: DigestAlgorithm): Promise<UploadSession> {
    const id = randomUUID();
    await this.rows.insert({ id, repository, packageId, addressBy, size: 0, parts: [], lastActivity: new Date() });
    return { id, repository, packageId, addressBy, parts: [], size: 0 };
  }

  async get(id: string, repository: string): Promise<UploadSession> {
    const unknown = () => new OciError('BLOB_UPLOAD_UNKNOWN', undefined, { upload: id.slice(0, 64) });
    if (!/^[0-9a-f-]{36}$/.test(id)) throw unknown();
    const row = await this.rows.findOneBy({ id });
    if (!row || row.repository !== repository) throw unknown();
    const parts: StagedBlob[] = [];
    for (const record of row.parts) {
      const part = await this.store.resumeStaged(record);
      if (!part) {
        // Its staged data was reclaimed: the upload cannot be finished any more.
        await this.drop(row);
        throw unknown();
      }
      parts.push(part);
    }
    await Promise.all(row.parts.map((record) => this.store.touchStaged(record.id)));
    return { id: row.id, repository: row.repository, packageId: row.packageId, addressBy: row.addressBy === 'sha512' ? 'sha512' : 'sha256', parts, size: row.size };
  }

  /** Streams a chunk in. `expectedLength` (from Content-Range) must match what arrives. */
  async append(session: UploadSession, body: Readable, expectedLength?: number): Promise<UploadSession> {
    const keepAlive = await this.keepAlive(session.id);
    try {
      const part = await this.store.stage(body, { addressBy: session.addressBy, maxBytes: this.options.maxBlobBytes - session.size });
      if (expectedLength !== undefined && part.size !== expectedLength) {
        await part.discard();
        throw new OciError('SIZE_INVALID', `chunk has ${part.size} bytes, Content-Range announced ${expectedLength}`);
      }
      if (part.size === 0) {
        await part.discard();
        await this.rows.update({ id: session.id }, { lastActivity: new Date() });
        return session;
      }
      const parts = [...session.parts, part];
      const size = session.size + part.size;
      let updated;
      try {
        // Only when nobody else appended meanwhile (another node): the offset must still be ours.
        updated = await this.rows.update(
          { id: session.id, size: session.size },
          { size, parts: parts.map(({ id, size: partSize, hashes, digest }) => ({ id, size: partSize, hashes: { ...hashes }, digest })), lastActivity: new Date() },
        );
      } catch (error) {
        await part.discard();
        throw error;
      }
      if (!updated.affected) {
        await part.discard();
        throw new OciError('BLOB_UPLOAD_INVALID', 'another request is writing to this upload', undefined, { status: 416 });
      }
      return { ...session, parts, size };
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** The session's bytes as one staged blob addressed by `algorithm`; the session ends. */
  async finish(session: UploadSession, algorithm: DigestAlgorithm): Promise<StagedBlob> {
    const removed = await this.rows.delete({ id: session.id, size: session.size });
    if (!removed.affected) throw new OciError('BLOB_UPLOAD_UNKNOWN', undefined, { upload: session.id });
    const parts = session.parts;
    if (parts.length === 1 && parts[0].hashes[algorithm]) return parts[0];
    try {
      return await this.store.stage(await this.join(parts), { addressBy: algorithm });
    } finally {
      await Promise.all(parts.map((part) => part.discard()));
    }
  }

  async cancel(session: UploadSession): Promise<void> {
    await this.rows.delete({ id: session.id });
    await Promise.all(session.parts.map((part) => part.discard()));
  }

  onModuleDestroy(): void {
    // Sessions stay: their rows and staged parts let the client continue after the restart.
    clearInterval(this.sweeper);
  }

  /** Marks the session active now and every so often while a chunk streams in (the sweep spares it). */
  private async keepAlive(id: string): Promise<NodeJS.Timeout> {
    await this.rows.update({ id }, { lastActivity: new Date() });
    const touch = () => void this.rows.update({ id }, { lastActivity: new Date() }).catch(() => undefined);
    return setInterval(touch, Math.min(60_000, this.options.uploadIdleSeconds * 250)).unref();
  }

  private async drop(row: DockerUploadSession): Promise<void> {
    await this.rows.delete({ id: row.id });
    await Promise.all(row.parts.map((record) => this.store.discardStaged(record.id)));
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
    const limit = new Date(Date.now() - this.options.uploadIdleSeconds * 1000);
    for (const row of await this.rows.find({ where: { lastActivity: LessThan(limit) }, take: 100 })) {
      // Only if still idle: a chunk may have started streaming in on some node since the query.
      const removed = await this.rows.delete({ id: row.id, lastActivity: LessThan(limit) });
      if (removed.affected) await Promise.all(row.parts.map((record) => this.store.discardStaged(record.id)));
    }
  }
}
