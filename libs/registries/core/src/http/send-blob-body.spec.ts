import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import { IncomingMessage, Server, ServerResponse, createServer, get } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { BlobBody } from '../storage/blob-store';
import { SEND_CHUNK_BYTES } from './send-buffers';
import { sendBlobBody } from './send-blob-body';

/** One response written by sendBlobBody on loopback; `length` is the Content-Length announced. */
async function serve(makeBody: () => Promise<BlobBody>, length: number): Promise<{ server: Server; url: string; sent: Promise<void> }> {
  let markSent: () => void;
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      res.setHeader('Content-Length', String(length));
      await sendBlobBody(res, await makeBody());
      markSent();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, sent };
}

function fetchAll(url: string): Promise<{ body: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ body: Buffer.concat(chunks), complete: res.complete }));
      res.on('error', () => resolve({ body: Buffer.concat(chunks), complete: false }));
      res.on('aborted', () => resolve({ body: Buffer.concat(chunks), complete: false }));
    }).on('error', reject);
  });
}

describe('sendBlobBody', () => {
  let dir: string;
  let server: Server | undefined;
  const data = randomBytes(3 * SEND_CHUNK_BYTES + 12345);
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'packgate-send-'));
    writeFileSync(path.join(dir, 'blob'), data);
  });
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const fileBody = (start: number, end: number) => async (): Promise<BlobBody> => ({ kind: 'file', handle: await open(path.join(dir, 'blob'), 'r'), start, end });

  it('sends a whole file of several chunks, byte for byte', async () => {
    const served = await serve(fileBody(0, data.length - 1), data.length);
    server = served.server;
    const { body, complete } = await fetchAll(served.url);
    expect(complete).toBe(true);
    expect(body.equals(data)).toBe(true);
  });

  it('sends exactly the requested region, across chunk boundaries and within one chunk', async () => {
    for (const [start, end] of [
      [SEND_CHUNK_BYTES - 7, 2 * SEND_CHUNK_BYTES + 9],
      [5, 5],
      [100, 4195],
    ]) {
      const served = await serve(fileBody(start, end), end - start + 1);
      server = served.server;
      const { body } = await fetchAll(served.url);
      expect(body.equals(data.subarray(start, end + 1))).toBe(true);
      server.closeAllConnections();
      await new Promise((resolve) => server!.close(resolve));
      server = undefined;
    }
  });

  it('ends the connection when the file is shorter than the length announced', async () => {
    const served = await serve(fileBody(0, data.length + 999), data.length + 1000);
    server = served.server;
    const { body, complete } = await fetchAll(served.url);
    expect(complete).toBe(false);
    expect(body.length).toBeLessThan(data.length + 1000);
    await served.sent;
  });

  it('stops reading and closes the file when the client goes away', async () => {
    let handleClosed = false;
    const served = await serve(async () => {
      const handle = await open(path.join(dir, 'blob'), 'r');
      const close = handle.close.bind(handle);
      handle.close = async () => {
        handleClosed = true;
        return close();
      };
      return { kind: 'file', handle, start: 0, end: data.length - 1 };
    }, data.length);
    server = served.server;
    await new Promise<void>((resolve) => {
      const req = get(served.url, (res) => res.once('data', () => (req.destroy(), resolve())));
    });
    await served.sent;
    expect(handleClosed).toBe(true);
  });

  it('pipes a stream body (stores without local files)', async () => {
    const served = await serve(async () => ({ kind: 'stream', stream: Readable.from([data.subarray(0, 1000), data.subarray(1000, 5000)]) }), 5000);
    server = served.server;
    const { body } = await fetchAll(served.url);
    expect(body.equals(data.subarray(0, 5000))).toBe(true);
  });
});
