import { createHash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import { PayloadTooLargeError } from '../errors';
import type { HashAlgorithm } from './blob-store';

const NODE_ALGORITHM: Record<HashAlgorithm, string> = {
  sha256: 'sha256',
  sha512: 'sha512',
  sha1: 'sha1',
  md5: 'md5',
};

/** Hashes and counts bytes as they pass; fails the stream past `maxBytes`. Shared by every blob store. */
export class HashingCounter extends Transform {
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

/** The algorithms a stage computes: sha256 always, the addressing one, and those asked for. */
export function stagingAlgorithms(addressBy: 'sha256' | 'sha512', extra: HashAlgorithm[] = []): HashAlgorithm[] {
  return [...new Set<HashAlgorithm>(['sha256', addressBy, ...extra])];
}

export const DIGEST_PATTERN = /^(sha256|sha512):([a-f0-9]{64}|[a-f0-9]{128})$/;
export const STAGING_ID = /^[0-9a-f-]{36}$/;
