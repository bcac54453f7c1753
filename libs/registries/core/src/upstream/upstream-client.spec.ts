import { createServer, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DEFAULT_UPSTREAM_CLIENT_OPTIONS, UpstreamClient, UpstreamEndpoint } from './upstream-client';

/**
 * An upstream that closes a kept-alive connection when the next request arrives on it: what a
 * client sees when the upstream's idle timeout races the reuse of a pooled socket.
 */
async function upstreamDroppingReusedSockets(): Promise<{ server: Server; endpoint: UpstreamEndpoint; connections: () => number }> {
  const served = new WeakSet<Socket>();
  let connections = 0;
  const server = createServer((req, res) => {
    if (served.has(req.socket)) {
      req.socket.destroy();
      return;
    }
    served.add(req.socket);
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`answer to ${req.url}`);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, endpoint: { type: 'npm', url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, credentials: null } as UpstreamEndpoint, connections: () => connections };
}

describe('UpstreamClient', () => {
  it('sends a GET again on a new connection when its reused keep-alive socket was closed by the upstream', async () => {
    const { server, endpoint, connections } = await upstreamDroppingReusedSockets();
    const client = new UpstreamClient(DEFAULT_UPSTREAM_CLIENT_OPTIONS);
    try {
      const first = await client.fetchDocument(endpoint, '/a');
      expect(first.body.toString()).toBe('answer to /a');
      const second = await client.fetchDocument(endpoint, '/b');
      expect(second.body.toString()).toBe('answer to /b');
      expect(connections()).toBe(2);
    } finally {
      client.onModuleDestroy();
      server.closeAllConnections();
      server.close();
    }
  });

  it('does not retry a connection the upstream refuses outright', async () => {
    const { server, endpoint } = await upstreamDroppingReusedSockets();
    server.close();
    const client = new UpstreamClient(DEFAULT_UPSTREAM_CLIENT_OPTIONS);
    try {
      await expect(client.fetchDocument(endpoint, '/a')).rejects.toThrow(/unreachable \(ECONNREFUSED\)/);
    } finally {
      client.onModuleDestroy();
    }
  });
});
