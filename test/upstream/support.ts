import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** A loopback HTTP server of the test's own (a tampering or stalling upstream). */
export async function startTinyServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Whether the blob store of a data directory holds these bytes. */
export function blobStored(dataDir: string, data: Buffer): boolean {
  const hex = sha256(data);
  return existsSync(path.join(dataDir, 'blobs', 'sha256', hex.slice(0, 2), hex));
}

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
