import { randomInt } from 'node:crypto';
import * as http from 'node:http';
import { connect } from 'node:net';
import { ApiClient, makeToken } from '../support/http';
import { seedPackage } from '../support/packages';
import { TestServer, startServer } from '../support/server';
import { RegistryClient, pushImage } from '../docker/support/registry-client';
import { npmPublishBody } from '../faults/support';
import { FuzzContext, FuzzRequest, Rng, nextRequest, rawRequest } from './generators';

// A fresh random seed every run, so `npm test` runs a smoke-sized batch and coverage adds up across
// runs; `npm run fuzz` runs 100,000.
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 5_000);
const SEED = Number(process.env.FUZZ_SEED ?? randomInt(2 ** 31));
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 8);
const PER_REQUEST_TIMEOUT_MS = 30_000;

jest.setTimeout(Math.max(300_000, REQUESTS * 60));

type Outcome = { kind: 'status'; status: number } | { kind: 'reset' } | { kind: 'refused-by-client' } | { kind: 'timeout' };

function send(agent: http.Agent, port: number, request: FuzzRequest): Promise<Outcome> {
  return new Promise((resolve) => {
    let req: http.ClientRequest;
    try {
      req = http.request({ host: '127.0.0.1', port, agent, method: request.method, path: request.path, headers: request.headers });
    } catch {
      // Node's client refuses some of what we generate (control characters, bad tokens); raw requests cover those.
      resolve({ kind: 'refused-by-client' });
      return;
    }
    let settled = false;
    const done = (outcome: Outcome) => {
      if (!settled) {
        settled = true;
        resolve(outcome);
      }
    };
    req.setTimeout(PER_REQUEST_TIMEOUT_MS, () => {
      done({ kind: 'timeout' });
      req.destroy();
    });
    req.on('response', (res) => {
      res.on('data', () => undefined);
      res.on('end', () => done({ kind: 'status', status: res.statusCode ?? 0 }));
      res.on('error', () => done({ kind: 'status', status: res.statusCode ?? 0 }));
      res.on('close', () => done({ kind: 'status', status: res.statusCode ?? 0 }));
    });
    req.on('error', () => done({ kind: 'reset' }));
    try {
      req.end(request.body);
    } catch {
      done({ kind: 'refused-by-client' });
    }
  });
}

function sendRaw(port: number, bytes: Buffer): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ kind: 'timeout' });
    }, PER_REQUEST_TIMEOUT_MS);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      // One answer is all we need (HTTP/1.0 and keep-alive answers do not close at once).
      if (/\r\n\r\n/.test(received)) socket.end();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(received)?.[1];
      resolve(status ? { kind: 'status', status: Number(status) } : { kind: 'reset' });
    });
    socket.write(bytes);
  });
}

async function prepare(server: TestServer): Promise<FuzzContext> {
  const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: server.adminPassword }) });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const admin = await ApiClient.login(server);
  const token = (await makeToken(admin, ['api', 'feed', 'pypi:write', 'npm:write', 'docker:write'])).token;
  await seedPackage(server, { type: 'pypi', name: 'fuzz-pkg', version: '1.0.0', filename: 'fuzz_pkg-1.0.0.tar.gz' });
  const tarball = Buffer.from('not really a tarball, but bytes with a checked digest');
  const published = await fetch(`${server.url}/default/npm/fuzz-lib`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: npmPublishBody('fuzz-lib', '1.0.0', tarball) });
  if (published.status !== 201) throw new Error(`npm seed: ${published.status}`);
  const registry = new RegistryClient(server.url, { username: '__token__', password: token });
  const image = await pushImage(registry, 'default/fuzz-image', 'latest');
  const tokenRes = await fetch(`${server.url}/v2/token?service=packgate&scope=repository:default/fuzz-image:pull,push`, { headers: { authorization: `Basic ${Buffer.from(`__token__:${token}`).toString('base64')}` } });
  const registryToken = ((await tokenRes.json()) as { token: string }).token;
  const upload = await registry.request('POST', '/v2/default/fuzz-image/blobs/uploads/');
  return { token, registryToken, cookie, pypiFile: 'fuzz_pkg-1.0.0.tar.gz', npmTarball: 'fuzz-lib-1.0.0.tgz', blobDigest: image.layerDigest, uploadPath: upload.headers.get('location') ?? '/v2/default/fuzz-image/blobs/uploads/x' };
}

/**
 * Seeded fuzzing of every surface (REST, PyPI, npm, Docker, the Authorization header, raw HTTP
 * framing) against a real server on SQLite: no answer may be a 5xx and the server must still be
 * healthy afterwards. `FUZZ_SEED` replays a run; `FUZZ_REQUESTS` sets its size (`npm run fuzz`).
 */
describe('fuzz', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.close());

  it(`${REQUESTS} malformed requests: no 5xx, no crash`, async () => {
    const ctx = await prepare(server);
    const rng = new Rng(SEED);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const byClass: Record<string, number> = {};
    const byFamily: Record<string, Record<string, number>> = {};
    const failures: string[] = [];
    let next = 0;
    const started = Date.now();

    const worker = async () => {
      for (;;) {
        const index = next++;
        if (index >= REQUESTS) return;
        // Generated in index order on one thread: the same seed gives the same requests.
        const raw = rng.chance(0.02);
        const request = raw ? undefined : nextRequest(rng, ctx);
        const rawBytes = raw ? rawRequest(rng, server.port) : undefined;
        const outcome = raw ? await sendRaw(server.port, rawBytes!) : await send(agent, server.port, request!);
        const klass = outcome.kind === 'status' ? `${Math.floor(outcome.status / 100)}xx` : outcome.kind;
        const family = raw ? 'raw' : request!.family;
        byClass[klass] = (byClass[klass] ?? 0) + 1;
        byFamily[family] ??= {};
        byFamily[family][klass] = (byFamily[family][klass] ?? 0) + 1;
        if ((outcome.kind === 'status' && outcome.status >= 500) || outcome.kind === 'timeout') {
          const what = raw ? JSON.stringify(rawBytes!.toString('latin1').slice(0, 300)) : `${request!.method} ${request!.path.slice(0, 200)} headers=${JSON.stringify(request!.headers).slice(0, 400)} body=${JSON.stringify(request!.body?.toString('latin1').slice(0, 200) ?? null)}`;
          failures.push(`#${index} ${outcome.kind === 'status' ? outcome.status : 'timeout'}: ${what}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    agent.destroy();
    const seconds = (Date.now() - started) / 1000;

    const health = await fetch(`${server.url}/healthz`);
    // eslint-disable-next-line no-console
    console.log(
      `fuzz: seed ${SEED}, ${REQUESTS} requests in ${seconds.toFixed(1)} s (${(REQUESTS / seconds).toFixed(0)}/s)\n` +
        `by class: ${JSON.stringify(byClass)}\n` +
        Object.entries(byFamily)
          .map(([family, counts]) => `  ${family}: ${JSON.stringify(counts)}`)
          .join('\n') +
        (failures.length ? `\nfailures (replay with FUZZ_SEED=${SEED}):\n${failures.slice(0, 30).join('\n')}` : ''),
    );
    expect(health.status).toBe(200);
    expect(failures).toEqual([]);
  });
});
