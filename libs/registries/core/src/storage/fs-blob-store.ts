import { randomUUID } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidInputError } from '../errors';
import type { BlobStore, BlobStoreReadiness, ByteRange, FileRegion, HashAlgorithm, StageOptions, StagedBlob, StagedBlobRecord, StagingUsage } from './blob-store';
import { HashingCounter } from './hashing-counter';

const STAGING_ID = /^[0-9a-f-]{36}$/;

const DIGEST_PATTERN = /^(sha256|sha512):([a-f0-9]{64}|[a-f0-9]{128})$/;

/**
 * Blobs on the local disk: `<root>/<algorithm>/<first two hex>/<hex>`. Uploads stream into
 * `<root>/tmp/` while being hashed and are renamed into place only on commit.
 */
export class FsBlobStore implements BlobStore {
  private readonly tmpDir: string;
  /** Staging entries this process is writing or holding (never reclaimed while listed). */
  private readonly held = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly options: { minFreeBytes?: number } = {},
  ) {
    this.tmpDir = path.join(root, 'tmp');
  }

  /** `low` under `minFreeBytes` available to this process on the blob disk. */
  async checkReady(): Promise<BlobStoreReadiness> {
    try {
      const stats = await fs.statfs(this.root);
      return stats.bavail * stats.bsize < (this.options.minFreeBytes ?? 0) ? 'low' : 'ok';
    } catch {
      return 'unreadable';
    }
  }

  async init(): Promise<void> {
    await fs.mkdir(this.tmpDir, { recursive: true });
  }

  async stage(source: Readable, options: StageOptions = {}): Promise<StagedBlob> {
    const addressBy = options.addressBy ?? 'sha256';
    const algorithms = [...new Set<HashAlgorithm>(['sha256', addressBy, ...(options.algorithms ?? [])])];
    // Until the pipeline below attaches, a failing source must not be an unhandled 'error' event
    // (that ends the process); the pipeline still sees the error through the stream's state.
    source.on('error', () => undefined);
    const counter = new HashingCounter(algorithms, options.maxBytes ?? Number.MAX_SAFE_INTEGER);
    const id = randomUUID();
    const tmpPath = path.join(this.tmpDir, id);
    await fs.mkdir(this.tmpDir, { recursive: true });
    this.held.add(id);
    // Open before streaming: a source that fails at once must not race the file's creation,
    // or the clean-up below could run before the file exists and leave it behind.
    const handle = await fs.open(tmpPath, 'wx', 0o640);
    try {
      await pipeline(source, counter, handle.createWriteStream({ highWaterMark: 256 * 1024 }));
    } catch (error) {
      await handle.close().catch(() => undefined);
      await fs.rm(tmpPath, { force: true });
      this.held.delete(id);
      throw error;
    }
    const hashes = counter.digests();
    return this.stagedHandle({ id, size: counter.size, hashes, digest: `${addressBy}:${hashes[addressBy]}` });
  }

  private stagedHandle({ id, size, hashes, digest }: StagedBlobRecord): StagedBlob {
    const tmpPath = path.join(this.tmpDir, id);
    this.held.add(id);
    let settled = false;
    return {
      id,
      size,
      hashes,
      digest,
      open: async (range?: ByteRange) => {
        if (settled) throw new Error('staged blob already committed or discarded');
        return createReadStream(tmpPath, { highWaterMark: 1024 * 1024, ...(range ? { start: range.start, end: range.end } : {}) });
      },
      commit: async () => {
        if (settled) return;
        settled = true;
        const finalPath = this.pathOf(digest);
        try {
          await fs.mkdir(path.dirname(finalPath), { recursive: true });
          await fs.rename(tmpPath, finalPath);
        } finally {
          this.held.delete(id);
        }
      },
      discard: async () => {
        if (settled) return;
        settled = true;
        try {
          await fs.rm(tmpPath, { force: true });
        } finally {
          this.held.delete(id);
        }
      },
    };
  }

  async resumeStaged(record: StagedBlobRecord): Promise<StagedBlob | null> {
    if (!STAGING_ID.test(record.id)) return null;
    try {
      if ((await fs.stat(path.join(this.tmpDir, record.id))).size !== record.size) return null;
    } catch {
      return null;
    }
    return this.stagedHandle(record);
  }

  async touchStaged(id: string): Promise<void> {
    if (!STAGING_ID.test(id)) return;
    const now = new Date();
    await fs.utimes(path.join(this.tmpDir, id), now, now).catch(() => undefined);
  }

  async discardStaged(id: string): Promise<void> {
    if (!STAGING_ID.test(id)) return;
    await fs.rm(path.join(this.tmpDir, id), { force: true });
    this.held.delete(id);
  }

  async stagingUsage(): Promise<StagingUsage> {
    const usage = { files: 0, bytes: 0 };
    for (const entry of await this.stagingEntries()) {
      usage.files += 1;
      usage.bytes += entry.size;
    }
    return usage;
  }

  async reclaimStaging(olderThanMs: number): Promise<StagingUsage> {
    const limit = Date.now() - olderThanMs;
    const reclaimed = { files: 0, bytes: 0 };
    for (const entry of await this.stagingEntries()) {
      if (this.held.has(entry.name) || entry.mtimeMs >= limit) continue;
      await fs.rm(path.join(this.tmpDir, entry.name), { force: true, recursive: true }).catch(() => undefined);
      reclaimed.files += 1;
      reclaimed.bytes += entry.size;
    }
    return reclaimed;
  }

  private async stagingEntries(): Promise<Array<{ name: string; size: number; mtimeMs: number }>> {
    let names: string[];
    try {
      names = await fs.readdir(this.tmpDir);
    } catch {
      return [];
    }
    const entries = [];
    for (const name of names) {
      try {
        const stats = await fs.stat(path.join(this.tmpDir, name));
        entries.push({ name, size: stats.size, mtimeMs: stats.mtimeMs });
      } catch {
        // removed meanwhile
      }
    }
    return entries;
  }

  async exists(digest: string): Promise<boolean> {
    return (await this.size(digest)) !== null;
  }

  async size(digest: string): Promise<number | null> {
    try {
      return (await fs.stat(this.pathOf(digest))).size;
    } catch {
      return null;
    }
  }

  async open(digest: string, range?: ByteRange): Promise<Readable> {
    const file = this.pathOf(digest);
    await fs.access(file);
    return createReadStream(file, range ? { start: range.start, end: range.end, highWaterMark: 1024 * 1024 } : { highWaterMark: 1024 * 1024 });
  }

  async openFile(digest: string, range?: ByteRange): Promise<FileRegion> {
    const handle = await fs.open(this.pathOf(digest), 'r');
    if (range) return { handle, start: range.start, end: range.end };
    try {
      return { handle, start: 0, end: (await handle.stat()).size - 1 };
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  async delete(digest: string): Promise<void> {
    await fs.rm(this.pathOf(digest), { force: true });
  }

  async *list(): AsyncIterable<string> {
    for (const algorithm of ['sha256', 'sha512']) {
      const base = path.join(this.root, algorithm);
      let prefixes: string[] = [];
      try {
        prefixes = await fs.readdir(base);
      } catch {
        continue;
      }
      for (const prefix of prefixes) {
        for (const name of await fs.readdir(path.join(base, prefix))) yield `${algorithm}:${name}`;
      }
    }
  }

  /** Path of a digest; refuses anything that is not a well-formed digest (no path tricks). */
  pathOf(digest: string): string {
    const match = DIGEST_PATTERN.exec(digest);
    if (!match) throw new InvalidInputError(`not a valid digest: ${digest.slice(0, 80)}`);
    return path.join(this.root, match[1], match[2].slice(0, 2), match[2]);
  }
}
