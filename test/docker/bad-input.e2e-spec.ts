import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import * as path from 'node:path';
import { ApiClient, makeUser } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';
import { OCI_INDEX, OCI_MANIFEST, RegistryClient, digestOf, imageManifest } from './support/registry-client';

/** Bad input gets the spec's error codes (never a 500) and leaves nothing stored. */
forEachDatabase('Docker bad input', (database) => {
  let server: TestServer;
  let client: RegistryClient;
  let creds: { username: string; password: string };
  const repo = 'default/bad';

  beforeAll(async () => {
    server = await startServer({ database });
    const admin = await ApiClient.login(server);
    creds = await makeUser(admin, 'alice', ['docker:write']);
    client = new RegistryClient(server.url, creds);
    await client.pushBlob(repo, 'seed');
  });
  afterAll(() => server?.close());

  const tmpFiles = () => readdirSync(path.join(server.dataDir, 'blobs', 'tmp'));
  const code = (res: { json: any }) => res.json?.errors?.[0]?.code;
  const raw = (rawPath: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const auth = Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
      const req = httpRequest({ host: '127.0.0.1', port: server.port, path: rawPath, method: 'GET', headers: { authorization: `Basic ${auth}` } }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

  it('wrong digest on the closing PUT → 400 DIGEST_INVALID, nothing stored, no temp data left', async () => {
    const content = randomBytes(4096);
    const post = await client.request('POST', `/v2/${repo}/blobs/uploads/`);
    const patch = await client.request('PATCH', post.headers.get('location')!, { body: content });
    const put = await client.request('PUT', `${patch.headers.get('location')}?digest=${digestOf('other')}`);
    expect(put.status).toBe(400);
    expect(code(put)).toBe('DIGEST_INVALID');
    expect((await client.request('HEAD', `/v2/${repo}/blobs/${digestOf(content)}`)).status).toBe(404);
    expect((await client.request('HEAD', `/v2/${repo}/blobs/${digestOf('other')}`)).status).toBe(404);
    expect(tmpFiles()).toEqual([]);
    const missingDigest = await client.request('PUT', `${(await client.request('POST', `/v2/${repo}/blobs/uploads/`)).headers.get('location')}`);
    expect(missingDigest.status).toBe(400);
    expect(code(missingDigest)).toBe('DIGEST_INVALID');
  });

  it('Content-Range gaps and garbage → 416 / 400, the session keeps only what was accepted', async () => {
    const post = await client.request('POST', `/v2/${repo}/blobs/uploads/`);
    const location = post.headers.get('location')!;
    const first = await client.request('PATCH', location, { body: Buffer.alloc(10, 1), headers: { 'content-range': '0-9' } });
    expect(first.status).toBe(202);
    const gap = await client.request('PATCH', location, { body: Buffer.alloc(10, 2), headers: { 'content-range': '20-29' } });
    expect(gap.status).toBe(416);
    const overlap = await client.request('PATCH', location, { body: Buffer.alloc(10, 2), headers: { 'content-range': '5-14' } });
    expect(overlap.status).toBe(416);
    const lying = await client.request('PATCH', location, { body: Buffer.alloc(3, 2), headers: { 'content-range': '10-19' } });
    expect(lying.status).toBe(400);
    expect(code(lying)).toBe('SIZE_INVALID');
    const garbage = await client.request('PATCH', location, { body: Buffer.alloc(3, 2), headers: { 'content-range': 'bytes=banana' } });
    expect(garbage.status).toBe(400);
    expect((await client.request('GET', location)).headers.get('range')).toBe('0-9');
    expect((await client.request('PUT', `${location}?digest=${digestOf(Buffer.alloc(10, 1))}`)).status).toBe(201);
    const foreign = await client.request('GET', location.replace(repo, 'default/elsewhere'));
    expect(foreign.status).toBe(404);
    expect(code(foreign)).toBe('BLOB_UPLOAD_UNKNOWN');
  });

  it('manifest referencing missing blobs or manifests → 400 MANIFEST_BLOB_UNKNOWN, no tag', async () => {
    const config = await client.pushBlob(repo, '{"os":"linux"}');
    const manifest = imageManifest({ digest: config, size: 14 }, [{ digest: digestOf('never uploaded'), size: 14 }]);
    const res = await client.pushManifest(repo, 'broken', manifest, OCI_MANIFEST);
    expect(res.status).toBe(400);
    expect(code(res)).toBe('MANIFEST_BLOB_UNKNOWN');
    expect(res.json.errors[0].detail).toEqual({ digest: digestOf('never uploaded') });
    expect((await client.request('GET', `/v2/${repo}/manifests/broken`)).status).toBe(404);
    const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: digestOf('no manifest'), size: 5 }] };
    const indexRes = await client.pushManifest(repo, 'broken-index', index, OCI_INDEX);
    expect(code(indexRes)).toBe('MANIFEST_BLOB_UNKNOWN');
    const wrongSize = await client.pushManifest(repo, 'wrong-size', imageManifest({ digest: config, size: 999 }, []), OCI_MANIFEST);
    expect(code(wrongSize)).toBe('MANIFEST_INVALID');
  });

  it('malformed, mistyped or unsupported manifests → 400 MANIFEST_INVALID', async () => {
    for (const [body, type] of [
      ['{"schemaVersion": 2, "mediaType": ', OCI_MANIFEST],
      ['[1,2,3]', OCI_MANIFEST],
      ['{"schemaVersion": 1, "name": "x"}', 'application/vnd.docker.distribution.manifest.v1+json'],
      [JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }), OCI_MANIFEST],
      [JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { digest: 'nope' }, layers: [] }), OCI_MANIFEST],
      [JSON.stringify({ schemaVersion: 2, config: {}, layers: [] }), 'application/x-unknown'],
    ]) {
      const res = await client.pushManifest(repo, 'bad', body, type);
      expect({ body, status: res.status, code: code(res) }).toEqual({ body, status: 400, code: 'MANIFEST_INVALID' });
    }
    expect((await client.request('GET', `/v2/${repo}/manifests/bad`)).status).toBe(404);
  });

  it('a manifest over 4 MiB → 413; a digest reference that does not match → DIGEST_INVALID', async () => {
    const huge = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [], annotations: { pad: 'x'.repeat(4 * 1024 * 1024) } });
    const res = await client.pushManifest(repo, 'huge', huge, OCI_INDEX);
    expect(res.status).toBe(413);
    expect(code(res)).toBe('MANIFEST_INVALID');
    const doc = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });
    const mismatch = await client.pushManifest(repo, digestOf('something else'), doc, OCI_INDEX);
    expect(mismatch.status).toBe(400);
    expect(code(mismatch)).toBe('DIGEST_INVALID');
    const badTag = await client.pushManifest(repo, '-leading-dash', doc, OCI_INDEX);
    expect(code(badTag)).toBe('TAG_INVALID');
    expect((await client.request('GET', `/v2/${repo}/tags/list`)).json).toEqual({ name: repo, tags: [] });
  });

  it('invalid repository names and path traversal → 400 NAME_INVALID', async () => {
    for (const name of ['Default/App', 'app', 'default/app-', 'default//app', 'default/a..b', `default/${'a'.repeat(300)}`]) {
      const res = await client.request('GET', `/v2/${name}/tags/list`);
      expect({ name, status: res.status, code: code(res) }).toEqual({ name, status: 400, code: 'NAME_INVALID' });
    }
    for (const rawPath of ['/v2/default/../etc/tags/list', '/v2/default/%2e%2e/etc/tags/list', '/v2/../../etc/passwd/blobs/sha256:' + 'a'.repeat(64), '/v2/default/app/blobs/..%2f..%2fsecret']) {
      const res = await raw(rawPath);
      expect({ rawPath, status: res.status }).toEqual({ rawPath, status: 400 });
      expect(res.body).toMatch(/NAME_INVALID|DIGEST_INVALID/);
    }
    const push = await client.request('POST', '/v2/UPPER/case/blobs/uploads/');
    expect(code(push)).toBe('NAME_INVALID');
    expect((await client.request('GET', '/v2/default/bad/unknown-route')).status).toBe(404);
  });
});
