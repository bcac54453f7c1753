import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { RegistryClient, digestOf, pushImage } from '../docker/support/registry-client';
import { buildImageLayout, mustRun, run, tempDir } from '../docker/support/tools';
import { NpmWorkspace } from '../npm/npm-cli';
import { buildDist, indexUrl, pipDownload, pipInstall, twineUpload } from '../pypi/support/clients';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { TestS3, startS3, useS3rverCredentials } from '../support/s3-server';
import { TestServer, onDefaultDatabase, startServer } from '../support/server';
import { waitFor } from '../support/spawned-server';

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

/**
 * A Packgate server whose blobs live in S3 (s3rver on loopback): PyPI, npm and Docker with their
 * real clients, a chunked upload, ranges, garbage collection, presigned redirects, S3 outages
 * answered 503 in each client's format, and no artifact byte on the server's own disk.
 */
onDefaultDatabase('Blob storage on S3', (database) => {
  let s3: TestS3;
  let server: TestServer;
  let admin: ApiClient;
  let alice: { username: string; password: string };
  let token: string;
  let docker: RegistryClient;
  let work: { dir: string; cleanup(): void };
  const markers: Buffer[] = [];

  beforeAll(async () => {
    useS3rverCredentials();
    s3 = await startS3('packgate-blobs', '127.0.0.2');
    server = await startServer({ database, env: s3.env({ PACKGATE_S3_PREFIX: 'node-a' }) });
    admin = await ApiClient.login(server);
    alice = await makeUser(admin, 'alice', ['dashboard', 'pypi:write', 'docker:write', 'npm:write']);
    token = (await makeToken(await ApiClient.login(server, alice.username, alice.password), ['pypi:write', 'npm:write', 'docker:write'])).token;
    docker = new RegistryClient(server.url, alice);
    work = tempDir('packgate-s3-e2e-');
  });
  afterAll(async () => {
    work?.cleanup();
    await server?.close();
    await s3?.close();
  });

  const s3Keys = async (prefix: string) => {
    const client = s3.client();
    try {
      return ((await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }))).Contents ?? []).map((object) => object.Key!);
    } finally {
      client.destroy();
    }
  };
  const inS3 = async (digest: string) => {
    const client = s3.client();
    try {
      await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `node-a/blobs/${digest.replace(':', '/')}` }));
      return true;
    } catch {
      return false;
    } finally {
      client.destroy();
    }
  };

  it('twine uploads into S3 and pip installs from it; downloads honour Range', async () => {
    const dist = await buildDist('s3-demo', '1.0.0', { payloadKb: 64 });
    markers.push(readFileSync(dist.wheel).subarray(-4096));
    const upload = await twineUpload(server, [dist.wheel, dist.sdist], '__token__', token);
    expect(upload.stderr + upload.stdout).not.toMatch(/error/i);
    expect(upload.code).toBe(0);
    expect((await s3Keys('node-a/blobs/sha256/')).length).toBe(2);
    const installed = await pipInstall(indexUrl(server, { username: '__token__', password: token }), ['s3-demo==1.0.0']);
    expect(installed.code).toBe(0);
    expect(existsSync(path.join(installed.target, 's3_demo', 'payload.bin'))).toBe(true);

    const wheelName = path.basename(dist.wheel);
    const auth = { authorization: `Basic ${Buffer.from(`__token__:${token}`).toString('base64')}` };
    const partial = await fetch(`${server.url}/default/pypi/files/s3-demo/${wheelName}`, { headers: { ...auth, range: 'bytes=100-199' } });
    expect(partial.status).toBe(206);
    expect(Buffer.from(await partial.arrayBuffer()).equals(readFileSync(dist.wheel).subarray(100, 200))).toBe(true);
  });

  it('npm publishes into S3 and installs from it', async () => {
    const npm = new NpmWorkspace(server, token);
    const pkg = npm.makePackage('s3-lib', '1.0.0', {}, { 'data.bin': randomBytes(2048) });
    const published = await npm.run(['publish'], { cwd: pkg });
    expect(published.stderr).not.toMatch(/ERR!/);
    expect(published.code).toBe(0);
    const project = npm.makeProject();
    const installed = await npm.run(['install', 's3-lib@1.0.0'], { cwd: project });
    expect(installed.code).toBe(0);
    expect(readFileSync(path.join(project, 'node_modules', 's3-lib', 'index.js'), 'utf8')).toContain('s3-lib@1.0.0');
  });

  it('skopeo pushes an image into S3 and pulls it back', async () => {
    const layout = await buildImageLayout(work.dir, 's3');
    await mustRun('skopeo', ['copy', '--dest-creds', `${alice.username}:${alice.password}`, '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${server.host}/default/s3-app:v1`]);
    const out = path.join(work.dir, 'pulled');
    await mustRun('skopeo', ['copy', '--src-creds', `${alice.username}:${alice.password}`, '--src-tls-verify=false', `docker://${server.host}/default/s3-app:v1`, `oci:${out}:v1`]);
    const index = JSON.parse(readFileSync(path.join(out, 'index.json'), 'utf8'));
    expect(index.manifests[0].digest).toMatch(/^sha256:/);
    expect(await inS3(index.manifests[0].digest)).toBe(true);
  });

  it('a chunked Docker upload stages each chunk in S3 and joins them on the closing PUT; blob ranges work', async () => {
    const chunks = [randomBytes(6 * 1024 * 1024), randomBytes(3000), randomBytes(5000)];
    markers.push(chunks[1]);
    const whole = Buffer.concat(chunks);
    const digest = digestOf(whole);
    const started = await docker.request('POST', '/v2/default/chunked/blobs/uploads/');
    expect(started.status).toBe(202);
    let location = started.headers.get('location')!;
    let offset = 0;
    for (const chunk of chunks.slice(0, 2)) {
      const patched = await docker.request('PATCH', location, { body: chunk, headers: { 'content-type': 'application/octet-stream', 'content-range': `${offset}-${offset + chunk.length - 1}` } });
      expect(patched.status).toBe(202);
      offset += chunk.length;
      location = patched.headers.get('location')!;
    }
    const sep = location.includes('?') ? '&' : '?';
    const closed = await docker.request('PUT', `${location}${sep}digest=${digest}`, { body: chunks[2], headers: { 'content-type': 'application/octet-stream', 'content-range': `${offset}-${whole.length - 1}` } });
    expect(closed.status).toBe(201);
    expect(await inS3(digest)).toBe(true);
    const got = await docker.request('GET', `/v2/default/chunked/blobs/${digest}`);
    expect(got.body.equals(whole)).toBe(true);
    const ranged = await docker.request('GET', `/v2/default/chunked/blobs/${digest}`, { headers: { range: 'bytes=6291450-6291459' } });
    expect(ranged.status).toBe(206);
    expect(ranged.body.equals(whole.subarray(6291450, 6291460))).toBe(true);
    expect((await s3Keys('node-a/staging/')).filter((key) => !key.endsWith('.touched'))).toEqual([]);
  });

  it('garbage collection deletes an unreferenced blob from S3 and keeps referenced ones', async () => {
    const kept = await pushImage(docker, 'default/gc-keep', 'v1', 'keep-s3');
    const orphan = await docker.pushBlob('default/gc-keep', `unreferenced ${randomBytes(8).toString('hex')}`);
    expect(await inS3(orphan)).toBe(true);
    const report = await admin.post('/api/v1/admin/gc?graceSeconds=0');
    expect(report.status).toBe(200);
    expect(report.body.deletedBlobs).toBeGreaterThanOrEqual(1);
    expect(await inS3(orphan)).toBe(false);
    for (const digest of [kept.layerDigest, kept.configDigest, kept.manifestDigest]) expect(await inS3(digest)).toBe(true);
  });

  it('keeps no artifact bytes under the server data directory', () => {
    expect(existsSync(path.join(server.dataDir, 'blobs'))).toBe(false);
    for (const file of filesUnder(server.dataDir)) {
      if (statSync(file).size === 0) continue;
      const content = readFileSync(file);
      for (const marker of markers) expect(content.includes(marker)).toBe(false);
    }
  });

  it('answers 503 in each client format while S3 is unreachable, and /readyz says so; recovers by itself', async () => {
    const wheelFile = (await admin.get('/api/v1/orgs/default/packages/pypi/s3-demo')).body.versions[0].files.find((f: { filename: string }) => f.filename.endsWith('.whl')).filename;
    const manifest = await docker.request('GET', '/v2/default/s3-app/manifests/v1', { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
    const layer = JSON.parse(manifest.body.toString()).layers[0].digest as string;
    await s3.pause();
    try {
      const basic = { authorization: `Basic ${Buffer.from(`__token__:${token}`).toString('base64')}` };
      const pypi = await fetch(`${server.url}/default/pypi/files/s3-demo/${wheelFile}`, { headers: basic });
      expect(pypi.status).toBe(503);
      expect(pypi.headers.get('retry-after')).toBeTruthy();
      expect(pypi.headers.get('content-type')).toMatch(/text\/plain/);

      const npm = await fetch(`${server.url}/default/npm/s3-lib/-/s3-lib-1.0.0.tgz`, { headers: { authorization: `Bearer ${token}` } });
      expect(npm.status).toBe(503);
      expect(((await npm.json()) as { error: string }).error).toMatch(/unavailable/);

      const blob = await docker.request('GET', `/v2/default/s3-app/blobs/${layer}`);
      expect(blob.status).toBe(503);
      expect(blob.json.errors[0].code).toBe('UNAVAILABLE');

      const dist = await buildDist('s3-outage', '1.0.0');
      const upload = await twineUpload(server, [dist.wheel], '__token__', token);
      expect(upload.code).not.toBe(0);
      expect(upload.stderr + upload.stdout).toMatch(/503/);

      const pushed = await docker.request('POST', `/v2/default/s3-app/blobs/uploads/?digest=${digestOf('during outage')}`, { body: 'during outage', headers: { 'content-type': 'application/octet-stream' } });
      expect(pushed.status).toBe(503);

      expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ blobs: 'unreachable' });
    } finally {
      await s3.resume();
    }
    await waitFor('readyz after S3 is back', async () => (await fetch(`${server.url}/readyz`)).status === 200);
    const again = await pipDownload(indexUrl(server, { username: '__token__', password: token }), ['s3-demo==1.0.0', '--no-deps']);
    expect(again.code).toBe(0);
  });
});

/** PACKGATE_S3_REDIRECT=true: after the access check, downloads are a 307 to a presigned S3 URL. */
onDefaultDatabase('Blob storage on S3 with presigned redirects', (database) => {
  let s3: TestS3;
  let server: TestServer;
  let admin: ApiClient;
  let alice: { username: string; password: string };
  let token: string;
  let work: { dir: string; cleanup(): void };

  beforeAll(async () => {
    useS3rverCredentials();
    s3 = await startS3('packgate-redirect', '127.0.0.2');
    server = await startServer({ database, env: s3.env({ PACKGATE_S3_REDIRECT: 'true' }) });
    admin = await ApiClient.login(server);
    alice = await makeUser(admin, 'alice', ['dashboard', 'pypi:write', 'docker:write', 'npm:write']);
    token = (await makeToken(await ApiClient.login(server, alice.username, alice.password), ['pypi:write', 'npm:write', 'docker:write'])).token;
    work = tempDir('packgate-s3-redirect-');
  });
  afterAll(async () => {
    work?.cleanup();
    await server?.close();
    await s3?.close();
  });

  const isPresigned = (location: string | null) => !!location && location.startsWith(`${s3.endpoint}/${s3.bucket}/blobs/`) && /X-Amz-Signature=/.test(location) && /X-Amz-Expires=300/.test(location);

  it('pip follows the redirect; refusals come before any URL is signed', async () => {
    const dist = await buildDist('redirect-demo', '1.0.0', { payloadKb: 16 });
    expect((await twineUpload(server, [dist.wheel], '__token__', token)).code).toBe(0);
    const url = `${server.url}/default/pypi/files/redirect-demo/${path.basename(dist.wheel)}`;
    const redirected = await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`__token__:${token}`).toString('base64')}` }, redirect: 'manual' });
    expect(redirected.status).toBe(307);
    expect(redirected.headers.get('cache-control')).toBe('private, no-store');
    expect(isPresigned(redirected.headers.get('location'))).toBe(true);
    const direct = await fetch(redirected.headers.get('location')!);
    expect(Buffer.from(await direct.arrayBuffer()).equals(readFileSync(dist.wheel))).toBe(true);

    expect((await fetch(url, { redirect: 'manual' })).status).toBe(401);
    const stranger = await makeUser(admin, 'mallory', ['dashboard']);
    const refused = await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`${stranger.username}:${stranger.password}`).toString('base64')}` }, redirect: 'manual' });
    expect(refused.status).toBe(403); // a member with no pypi role is told so
    expect(refused.headers.get('location')).toBeNull();
    const head = await fetch(url, { method: 'HEAD', headers: { authorization: `Basic ${Buffer.from(`__token__:${token}`).toString('base64')}` }, redirect: 'manual' });
    expect(head.status).toBe(200);

    const installed = await pipInstall(indexUrl(server, { username: '__token__', password: token }), ['redirect-demo==1.0.0']);
    expect(installed.stderr).not.toMatch(/ERROR/);
    expect(installed.code).toBe(0);
    expect(existsSync(path.join(installed.target, 'redirect_demo', 'payload.bin'))).toBe(true);
  });

  it('npm follows the redirect for tarballs', async () => {
    const npm = new NpmWorkspace(server, token);
    expect((await npm.run(['publish'], { cwd: npm.makePackage('redirect-lib', '1.0.0') })).code).toBe(0);
    const tarball = await fetch(`${server.url}/default/npm/redirect-lib/-/redirect-lib-1.0.0.tgz`, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
    expect(tarball.status).toBe(307);
    expect(isPresigned(tarball.headers.get('location'))).toBe(true);
    const anonymous = await fetch(`${server.url}/default/npm/redirect-lib/-/redirect-lib-1.0.0.tgz`, { redirect: 'manual' });
    expect([401, 404]).toContain(anonymous.status);
    expect(anonymous.headers.get('location')).toBeNull();
    const project = npm.makeProject();
    const installed = await npm.run(['install', 'redirect-lib@1.0.0'], { cwd: project });
    expect(installed.stderr).not.toMatch(/ERR!/);
    expect(installed.code).toBe(0);
    expect(existsSync(path.join(project, 'node_modules', 'redirect-lib', 'index.js'))).toBe(true);
  });

  it('skopeo follows the redirect for blobs (as with distribution)', async () => {
    const layout = await buildImageLayout(work.dir, 'redirect');
    await mustRun('skopeo', ['copy', '--dest-creds', `${alice.username}:${alice.password}`, '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${server.host}/default/redirect-app:v1`]);
    const docker = new RegistryClient(server.url, alice);
    const manifest = await docker.request('GET', '/v2/default/redirect-app/manifests/v1', { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
    const layer = JSON.parse(manifest.body.toString()).layers[0].digest as string;
    const blob = await docker.request('GET', `/v2/default/redirect-app/blobs/${layer}`);
    expect(blob.status).toBe(307);
    expect(isPresigned(blob.headers.get('location'))).toBe(true);
    expect((await docker.request('HEAD', `/v2/default/redirect-app/blobs/${layer}`)).status).toBe(200);
    const anonymous = await fetch(`${server.url}/v2/default/redirect-app/blobs/${layer}`, { redirect: 'manual' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('location')).toBeNull();
    const out = path.join(work.dir, 'pulled');
    const pulled = await run('skopeo', ['copy', '--src-creds', `${alice.username}:${alice.password}`, '--src-tls-verify=false', `docker://${server.host}/default/redirect-app:v1`, `oci:${out}:v1`]);
    expect(pulled.stderr).toBe('');
    expect(pulled.code).toBe(0);
  });
});
