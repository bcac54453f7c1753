import { blake2b } from 'hash-wasm';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ApiClient, makeToken } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';
import { basicAuth, buildDist, multipartBody } from '../pypi/support/clients';

const MAIN = path.resolve(__dirname, '../../dist/apps/api/src/main.js');

/**
 * Twine-shaped uploads (blake2_256_digest before the content part) whose body ends inside the file
 * part, cut at several places: no closing boundary ever arrives.
 */
async function truncatedUploads(wheel: Buffer, name: string, version: string): Promise<{ body: Buffer; contentType: string }[]> {
  const fields: [string, string][] = [
    ['name', name],
    ['version', version],
    ['filetype', 'bdist_wheel'],
    ['pyversion', 'py3'],
    ['metadata_version', '2.1'],
    ['sha256_digest', createHash('sha256').update(wheel).digest('hex')],
    ['blake2_256_digest', await blake2b(wheel, 256)],
    [':action', 'file_upload'],
    ['protocol_version', '1'],
  ];
  const { body, contentType } = multipartBody(fields, { filename: `${name.replace(/-/g, '_')}-${version}-py3-none-any.whl`, data: wheel });
  return [40, 60, 100, 1000, Math.floor(wheel.length / 2)].map((cut) => ({ body: body.subarray(0, body.length - cut), contentType }));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

forEachDatabase('PyPI upload stream errors', (database) => {
  let server: TestServer;
  let auth: string;
  let wheel: Buffer;
  let small: Buffer;

  beforeAll(async () => {
    server = await startServer({ database });
    const admin = await ApiClient.login(server);
    auth = basicAuth('__token__', (await makeToken(admin, ['pypi:write'])).token);
    wheel = readFileSync((await buildDist('cut-pkg', '1.0.0', { payloadKb: 256 })).wheel);
    small = readFileSync((await buildDist('cut-pkg', '1.0.0')).wheel);
  });
  afterAll(() => server?.close());

  it('a body that ends inside the file part (with blake2_256_digest) is a 400 and the server keeps serving', async () => {
    for (const { body, contentType } of [...(await truncatedUploads(small, 'cut-pkg', '1.0.0')), ...(await truncatedUploads(wheel, 'cut-pkg', '1.0.0'))]) {
      const res = await fetch(`${server.url}/default/pypi/`, { method: 'POST', headers: { authorization: auth, 'content-type': contentType }, body });
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/malformed multipart body|truncated/);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    }
    expect((await fetch(`${server.url}/default/pypi/simple/cut-pkg/`, { headers: { authorization: auth } })).status).toBe(404);
  });
});

describe('the built server (dist main.js) survives a truncated upload', () => {
  it('answers 400 and then the next request', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'packgate-cut-'));
    const port = await freePort();
    const adminPassword = 'admin-cut-upload-password';
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', PACKGATE_DATA_DIR: dataDir, PACKGATE_LOG_LEVEL: 'warn', PACKGATE_ADMIN_PASSWORD: adminPassword, DATABASE_URL: '' },
    });
    let output = '';
    let exited: number | null | undefined;
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exit = new Promise<void>((resolve) =>
      child.once('exit', (code) => {
        exited = code;
        resolve();
      }),
    );
    try {
      const deadline = Date.now() + 30_000;
      while (!/listening on/.test(output)) {
        if (exited !== undefined || Date.now() > deadline) throw new Error(`server did not start: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const url = `http://127.0.0.1:${port}`;
      const admin = await ApiClient.login({ url, adminPassword } as TestServer);
      const token = basicAuth('__token__', (await makeToken(admin, ['pypi:write'])).token);
      const wheel = readFileSync((await buildDist('cut-pkg', '1.0.0')).wheel);
      for (const { body, contentType } of await truncatedUploads(wheel, 'cut-pkg', '1.0.0')) {
        const res = await fetch(`${url}/default/pypi/`, { method: 'POST', headers: { authorization: token, 'content-type': contentType }, body });
        expect(res.status).toBe(400);
        await res.text();
      }
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect(exited).toBeUndefined();
    } finally {
      if (exited === undefined) child.kill('SIGTERM');
      await exit;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
