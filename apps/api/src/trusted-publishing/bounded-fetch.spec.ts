import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchJson } from './bounded-fetch';

function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('fetchJson (issuer discovery and JWKS)', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
  const start = async (handler: (req: IncomingMessage, res: ServerResponse) => void) => {
    const started = await serve(handler);
    servers.push(started.server);
    return started.url;
  };
  const limits = { timeoutMs: 1000, maxBytes: 1024 };

  it('reads a JSON document and follows a same-origin redirect', async () => {
    const url = await start((req, res) => {
      if (req.url === '/moved') return res.writeHead(302, { location: '/doc' }).end();
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
    await expect(fetchJson(`${url}/moved`, limits)).resolves.toEqual({ ok: true });
  });

  it('does not follow a redirect to another origin', async () => {
    const other = await start((_req, res) => res.end('{"secret":1}'));
    const url = await start((_req, res) => res.writeHead(302, { location: `${other}/doc` }).end());
    await expect(fetchJson(`${url}/doc`, limits)).rejects.toThrow(/another origin/);
  });

  it('gives up on a body over the size limit, declared or streamed', async () => {
    const declared = await start((_req, res) => res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000)));
    await expect(fetchJson(declared, limits)).rejects.toThrow(/larger than 1024 bytes/);
    const streamed = await start((_req, res) => {
      res.writeHead(200);
      res.write('x'.repeat(800));
      res.end('x'.repeat(800));
    });
    await expect(fetchJson(streamed, limits)).rejects.toThrow(/larger than 1024 bytes/);
  });

  it('gives up on a server that never answers', async () => {
    const silent = await start(() => undefined);
    await expect(fetchJson(silent, { ...limits, timeoutMs: 300 })).rejects.toThrow(/no answer within 300 ms/);
  });

  it('refuses non-200 answers and non-JSON bodies', async () => {
    const missing = await start((_req, res) => res.writeHead(404).end());
    await expect(fetchJson(missing, limits)).rejects.toThrow(/answered 404/);
    const html = await start((_req, res) => res.end('<html>'));
    await expect(fetchJson(html, limits)).rejects.toThrow(/not JSON/);
  });
});
