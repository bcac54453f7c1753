import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { BlobStore, InvalidInputError, MAX_JSON_DEPTH, PayloadTooLargeError, StagedBlob, jsonNestedDeeperThan } from '@packgate/registries/core';
import { Base64Decoder, PublishBodyScanner } from './publish-body-scanner';

export interface PublishBody {
  doc: Record<string, unknown>;
  /** Name of the attachment whose bytes were staged. */
  attachmentKey: string | null;
  /** The decoded tarball with sha256/sha512/sha1, not yet visible; commit or discard it. */
  staged: StagedBlob | null;
}

/**
 * Reads a PUT body of at most `maxBytes`: the JSON skeleton in memory, the base64 attachment decoded
 * straight into the blob store (with backpressure), so memory stays near the size of the metadata.
 * Over the limit → PayloadTooLargeError (413) as soon as it is known (Content-Length or count).
 * The request is read without destroying it on error, so Node drains the rest and npm gets the
 * answer instead of a reset connection.
 */
export async function readPublishBody(req: Readable & { headers: Record<string, unknown> }, blobs: BlobStore, maxBytes: number): Promise<PublishBody> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw tooLarge(maxBytes);
  }
  const scanner = new PublishBodyScanner();
  let decoder: Base64Decoder | null = null;
  let sink: PassThrough | null = null;
  let staging: Promise<StagedBlob> | null = null;
  let total = 0;
  try {
    for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge(maxBytes);
      for (const piece of scanner.push(chunk)) {
        if (!sink) {
          decoder = new Base64Decoder();
          sink = new PassThrough({ highWaterMark: 1024 * 1024 });
          // The store attaches its own handlers once it starts; until then an error must not go unhandled.
          sink.on('error', () => undefined);
          staging = blobs.stage(sink, { algorithms: ['sha512', 'sha1'] });
          staging.catch(() => undefined);
        }
        const bytes = decoder!.push(piece);
        if (bytes.length > 0 && !sink.write(bytes)) await Promise.race([once(sink, 'drain'), staging!.then(() => undefined)]);
      }
    }
    if (sink) sink.end(decoder!.end());
    const staged = staging ? await staging : null;
    try {
      return { doc: scanner.finish(), attachmentKey: scanner.capturedKey, staged };
    } catch (error) {
      await staged?.discard();
      throw error;
    }
  } catch (error) {
    // Drain what is left so the client reads our answer instead of a reset connection.
    req.resume();
    if (sink && !sink.writableEnded) sink.destroy(error instanceof Error ? error : new Error(String(error)));
    if (staging) {
      const staged = await staging.catch(() => null);
      await staged?.discard();
    }
    if (error instanceof PayloadTooLargeError || error instanceof InvalidInputError) throw error;
    if ((error as { code?: string })?.code === 'ECONNRESET' || (error as Error)?.message === 'aborted') throw new InvalidInputError('the client closed the connection before the body was complete');
    throw error;
  }
}

function tooLarge(maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`request body is larger than this registry accepts (${formatBytes(maxBytes)}, set by PACKGATE_NPM_MAX_BODY); the publish carries the tarball base64-encoded, about 4/3 of its size`);
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/** Small JSON bodies (dist-tag PUT, token create): bounded, depth-checked, parsed, 400 on bad JSON. */
export async function readSmallJson(req: Readable, maxBytes = 64 * 1024): Promise<unknown> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw new PayloadTooLargeError(`request body larger than ${formatBytes(maxBytes)}`);
    parts.push(chunk);
  }
  const body = Buffer.concat(parts);
  if (jsonNestedDeeperThan(body)) throw new InvalidInputError(`request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidInputError('request body is not valid JSON');
  }
}

/** Reads and drops a body (audit uploads we do not look at). */
export async function discardBody(req: Readable, maxBytes = 16 * 1024 * 1024): Promise<void> {
  let total = 0;
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw new PayloadTooLargeError(`request body larger than ${formatBytes(maxBytes)}`);
  }
}
