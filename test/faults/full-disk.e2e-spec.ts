import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, rmSync, writeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { ApiClient, makeToken } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';
import { RegistryClient, digestOf } from '../docker/support/registry-client';
import { basicAuth, buildDist, multipartBody } from '../pypi/support/clients';
import { npmPublishBody } from './support';

jest.setTimeout(120_000);

/** A small tmpfs as the data dir (needs root); null when mounting is not possible here. */
function mountTinyDisk(): string | null {
  const dir = mkdtempSync(path.join(tmpdir(), 'packgate-fulldisk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

/** Fills the file system under `dir` up to the last byte. */
function fill(dir: string): string {
  const file = path.join(dir, 'filler');
  const fd = openSync(file, 'w');
  try {
    for (const size of [1024 * 1024, 64 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw error;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return file;
}

/**
 * A full disk is 507 Insufficient Storage in each client's format (never 500, never a 400 blaming the
 * client), /readyz says 503 with `disk: low`, and everything works again once space is freed.
 */
forEachDatabase('full disk', (database) => {
  let mount: string | null;
  let server: TestServer | undefined;

  beforeAll(() => {
    mount = mountTinyDisk();
    if (!mount) console.warn('full-disk test skipped: cannot mount a tmpfs here (needs root)');
  });
  afterAll(async () => {
    await server?.close().catch(() => undefined);
    if (mount) {
      execFileSync('umount', ['-l', mount]);
      rmSync(mount, { recursive: true, force: true });
    }
  });

  it('answers 507 for uploads and 503 on /readyz, then recovers', async () => {
    if (!mount) return;
    const dataDir = path.join(mount, 'data');
    mkdirSync(dataDir);
    server = await startServer({ database, env: { PACKGATE_DATA_DIR: dataDir, PACKGATE_MIN_FREE_DISK_MB: '1' } });
    const admin = await ApiClient.login(server);
    const token = (await makeToken(admin, ['pypi:write', 'npm:write', 'docker:write'])).token;
    const wheelPath = (await buildDist('disk-pkg', '1.0.0', { payloadKb: 256 })).wheel;
    const wheel = readFileSync(wheelPath);
    const form = multipartBody(
      [
        ['name', 'disk-pkg'],
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
    const pypiUpload = () => fetch(`${server!.url}/default/pypi/`, { method: 'POST', headers: { authorization: basicAuth('__token__', token), 'content-type': form.contentType }, body: form.body });
    const tarball = randomBytes(256 * 1024);
    const npmPublish = () => fetch(`${server!.url}/default/npm/disk-lib`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: npmPublishBody('disk-lib', '1.0.0', tarball) });
    const registry = new RegistryClient(server.url, { username: '__token__', password: token });
    const layer = randomBytes(256 * 1024);
    const layerDigest = digestOf(layer);
    expect((await registry.request('GET', '/v2/default/disk-image/tags/list')).status).toBe(404); // token fetched while there is space

    const filler = fill(mount);

    const pypi = await pypiUpload();
    expect(pypi.status).toBe(507);
    expect(pypi.headers.get('content-type')).toContain('text/plain');
    expect(await pypi.text()).toMatch(/insufficient storage/);

    const npm = await npmPublish();
    expect(npm.status).toBe(507);
    expect(Object.keys((await npm.json()) as object)).toEqual(['error']);

    const docker = await registry.request('POST', `/v2/default/disk-image/blobs/uploads/?digest=${layerDigest}`, { body: layer, headers: { 'content-type': 'application/octet-stream' } });
    expect(docker.status).toBe(507);
    expect(docker.json.errors[0].code).toBe('UNAVAILABLE');

    if (database === 'sqlite') {
      // Logging in writes a session row into the SQLite file on the full disk.
      const login = await new ApiClient(server.url).request('POST', '/api/v1/auth/login', { username: 'admin', password: server.adminPassword });
      expect([200, 507]).toContain(login.status);
      if (login.status === 507) expect(login.body).toMatchObject({ statusCode: 507, error: 'Insufficient Storage' });
    }

    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ disk: 'low' });

    rmSync(filler);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect((await pypiUpload()).status).toBe(200);
    expect((await npmPublish()).status).toBe(201);
    expect(await registry.pushBlob('default/disk-image', layer)).toBe(layerDigest);
    await server.close();
    server = undefined;
  });
});
