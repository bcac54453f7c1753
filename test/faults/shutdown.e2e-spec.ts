import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SpawnedServer, spawnServer, waitFor } from '../support/spawned-server';
import { basicAuth, buildDist, multipartBody } from '../pypi/support/clients';
import { adminToken, stalledRequest } from './support';

jest.setTimeout(120_000);

/**
 * SIGTERM drains in-flight requests for at most PACKGATE_SHUTDOWN_SECONDS: an upload that finishes
 * within the limit gets its answer, a stalled client is cut off at the limit, and the process exits.
 */
describe('bounded shutdown', () => {
  let dataDir: string;
  let server: SpawnedServer | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'packgate-shutdown-'));
  });
  afterAll(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) await server.kill9();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes what completes in time, drops a stalled client at the limit, and exits', async () => {
    const limitSeconds = 3;
    server = await spawnServer(dataDir, { PACKGATE_SHUTDOWN_SECONDS: String(limitSeconds) });
    const token = await adminToken(server.url, ['pypi:write']);
    const wheelPath = (await buildDist('drained-pkg', '1.0.0')).wheel;
    const wheel = readFileSync(wheelPath);
    const form = multipartBody(
      [
        ['name', 'drained-pkg'],
        ['version', '1.0.0'],
        ['filetype', 'bdist_wheel'],
        ['pyversion', 'py3'],
        ['metadata_version', '2.1'],
        [':action', 'file_upload'],
        ['protocol_version', '1'],
        ['sha256_digest', createHash('sha256').update(wheel).digest('hex')],
      ],
      { filename: path.basename(wheelPath), data: wheel },
    );
    const half = Math.floor(form.body.length / 2);

    // An upload in progress, which will complete during the drain.
    const upload = stalledRequest(`${server.url}/default/pypi/`, 'POST', { authorization: basicAuth('__token__', token), 'content-type': form.contentType }, form.body.subarray(0, half), form.body.length);
    const uploadStatus = new Promise<number>((resolve, reject) => {
      upload.on('response', (res) => resolve(res.statusCode ?? 0));
      upload.on('error', reject);
    });
    // A client that stalls mid-body and never finishes.
    const stalled = http.request(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '100' } });
    const stalledClosed = new Promise<void>((resolve) => {
      stalled.on('error', () => resolve());
      stalled.on('close', () => resolve());
    });
    stalled.write('{"username":');
    await waitFor('both requests connected', () => !!upload.socket && !upload.socket.connecting && !!stalled.socket && !stalled.socket.connecting);
    await new Promise((resolve) => setImmediate(resolve));

    const signalled = Date.now();
    server.child.kill('SIGTERM');
    await waitFor('drain message', () => /draining in-flight requests/.test(server!.output()), 10_000);
    upload.end(form.body.subarray(half));
    expect(await uploadStatus).toBe(200);

    const exit = await server.exited;
    const elapsed = (Date.now() - signalled) / 1000;
    await stalledClosed;
    expect(exit.code).toBe(0);
    expect(elapsed).toBeGreaterThanOrEqual(limitSeconds - 0.5);
    // Bounded: the limit, plus closing the application (itself bounded), plus scheduling slack on a busy machine.
    expect(elapsed).toBeLessThan(limitSeconds + 10);
    expect(server.output()).toMatch(/drain limit reached/);
  });
});
