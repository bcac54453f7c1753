import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { BlobBody, FileRegion } from '../storage/blob-store';
import { SEND_CHUNK_BYTES, returnSendBuffer, takeSendBuffer } from './send-buffers';

/**
 * Writes a download's body (status and headers already set, `Content-Length` included) and ends
 * the response. A file region is read into reused buffers, the next chunk read while the previous
 * one is written; a stream (S3) is piped. A client that goes away, or a file that fails or ends
 * early, ends the connection (the length promised cannot be kept). Never throws.
 */
export async function sendBlobBody(res: ServerResponse, body: BlobBody): Promise<void> {
  if (body.kind === 'stream') {
    await pipeline(body.stream, res).catch(() => res.destroy());
    return;
  }
  try {
    await sendFileRegion(res, body);
  } catch {
    res.destroy();
  } finally {
    await body.handle.close().catch(() => undefined);
  }
}

async function sendFileRegion(res: ServerResponse, { handle, start, end }: FileRegion): Promise<void> {
  let position = start;
  let inFlight: { buffer: Buffer; done: Promise<boolean> } | null = null;
  while (position <= end) {
    if (res.destroyed) return;
    const buffer = takeSendBuffer(Math.min(SEND_CHUNK_BYTES, end - position + 1));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) throw new Error('blob file ended before its recorded size');
    position += bytesRead;
    if (inFlight) {
      if (!(await inFlight.done)) return returnSendBuffer(buffer);
      returnSendBuffer(inFlight.buffer);
    }
    inFlight = { buffer, done: write(res, bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead)) };
  }
  if (inFlight && (await inFlight.done)) returnSendBuffer(inFlight.buffer);
  res.end();
}

/**
 * True once the socket has taken the whole chunk (the buffer is free again); false when the
 * response closed first, in which case the buffer is not reused (the socket may still hold it).
 */
function write(res: ServerResponse, chunk: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const closed = () => resolve(false);
    res.once('close', closed);
    res.write(chunk, (error) => {
      res.off('close', closed);
      resolve(!error);
    });
  });
}
