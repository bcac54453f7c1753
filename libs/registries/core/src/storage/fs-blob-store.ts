import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Readable, Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidInputError, PayloadTooLargeError } from '../errors';
import type { BlobStore, ByteRange, HashAlgorithm, StageOptions, StagedBlob } from './blob-store';

const NODE_ALGORITHM: Record<HashAlgorithm, string> = {
  sha256: 'sha256',
  sha512: 'sha512',
  sha1: 'sha1',
  md5: 'md5',
};

const DIGEST_PATTERN = /^(sha256|sha512):([a-f0-9]{64}|[a-f0-9]{128})$/;

/** Hashes and counts bytes as they pass; fails the stream past `maxBytes`. */
class HashingCounter extends Transform {
  size = 0;
  private readonly hashers: Map<HashAlgorithm, ReturnType<typeof createHash>>;

  constructor(
    algorithms: HashAlgorithm[],
    private readonly maxBytes: number,
  ) {
    super();
    this.hashers = new Map(algorithms.map((algorithm) => [algorithm, createHash(NODE_ALGORITHM[algorithm])]));
  }

  _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) return callback(new PayloadTooLargeError(`upload larger than ${this.maxBytes} bytes`));
    for (const hasher of this.hashers.values()) hasher.update(chunk);
    callback(null, chunk);
  }

  digests(): Record<HashAlgorithm, string> {
    const out = {} as Record<HashAlgorithm, string>;
    for (const [algorithm, hasher] of this.hashers) {
      out[algorithm] = hasher.digest('hex');
    }
    return out;
  }
}

/**
 * Blobs on the local disk: `<root>/<algorithm>/<first two hex>/<hex>`. Uploads stream into
 * `<root>/tmp/` while being hashed and are renamed into place only on commit.
 */
export class FsBlobStore implements BlobStore {
  private readonly tmpDir: string;

  constructor(private readonly root: string) {
    this.tmpDir = path.join(root, 'tmp');
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
    const tmpPath = path.join(this.tmpDir, randomUUID());
    await fs.mkdir(this.tmpDir, { recursive: true });
    // Open before streaming: a source that fails at once must not race the file's creation,
    // or the clean-up below could run before the file exists and leave it behind.
    const handle = await fs.open(tmpPath, 'wx', 0o640);
    try {
      await pipeline(source, counter, handle.createWriteStream({ highWaterMark: 256 * 1024 }));
    } catch (error) {
      await handle.close().catch(() => undefined);
      await fs.rm(tmpPath, { force: true });
      throw error;
    }
    const hashes = counter.digests();
    const digest = `${addressBy}:${hashes[addressBy]}`;
    let settled = false;
    return {
      size: counter.size,
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
        await fs.mkdir(path.dirname(finalPath), { recursive: true });
        await fs.rename(tmpPath, finalPath);
      },
      discard: async () => {
        if (settled) return;
        settled = true;
        await fs.rm(tmpPath, { force: true });
      },
    };
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
