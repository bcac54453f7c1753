import * as http from 'node:http';
import { connect } from 'node:net';
import { TestServer, startServer } from '../support/server';

jest.setTimeout(60_000);

function withinMs<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

/** Protocol edges the framework does not answer by itself. */
describe('HTTP edges', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.close());

  it('keeps an idle keep-alive connection open longer than a client packing a large publish (Node closes after 5 s)', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; socket: unknown }>((resolve, reject) => {
        const req = http.get(`${server.url}/healthz`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, socket: req.socket }));
        });
        req.on('error', reject);
      });
    try {
      const first = await get();
      // The idle time is the scenario (npm packing a tarball between its GET and its PUT), not a wait for a condition.
      await new Promise((resolve) => setTimeout(resolve, 6500));
      const second = await get();
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.socket).toBe(first.socket);
    } finally {
      agent.destroy();
    }
  });

  it('answers CONNECT with 405 instead of dropping the connection', async () => {
    const socket = connect(server.port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.write('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    await withinMs('the CONNECT answer', new Promise((resolve) => socket.on('close', resolve)), 10_000);
    expect(received).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(received).toContain('"statusCode":405');
  });

  it('refuses a REST body announced over the limit before reading it', async () => {
    const req = http.request(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(300 * 1024 * 1024) } });
    req.on('error', () => undefined);
    const response = new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
    req.write('{"username":"admin","password":"');
    // Only a few bytes of the 300 MB were sent: the answer must not wait for the rest.
    const res = await withinMs('the 413', response, 10_000);
    expect(res.statusCode).toBe(413);
    expect(res.headers.connection).toBe('close');
    req.destroy();
  });

  it('stops reading a chunked REST body as soon as it passes the limit', async () => {
    const req = http.request(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
    req.on('error', () => undefined);
    let sent = 0;
    let answered: http.IncomingMessage | undefined;
    const response = new Promise<http.IncomingMessage>((resolve) => req.on('response', (res) => resolve((answered = res))));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    req.write('{"username":"');
    const pump = (async () => {
      // Up to 300 MB, with back-pressure; stops once the server has answered or closed.
      while (!answered && sent < 300 * 1024 * 1024 && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              req.off('drain', done);
              req.off('close', done);
              resolve();
            };
            req.on('drain', done);
            req.on('close', done);
          });
        }
      }
    })();
    const res = await withinMs('the 413', response, 20_000);
    expect(res.statusCode).toBe(413);
    req.destroy();
    await pump;
    // The limit is 1 MiB; socket buffers on both sides account for a few MiB more at most.
    expect(sent).toBeLessThan(32 * 1024 * 1024);
  });
});
