import { randomBytes } from 'node:crypto';
import { ApiClient, makeUser } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';
import { OCI_CONFIG, OCI_EMPTY, OCI_INDEX, OCI_LAYER, OCI_MANIFEST, RegistryClient, digestOf, imageManifest, pushImage } from './support/registry-client';

/**
 * Mirrors the checks of the OCI distribution-spec conformance suite (conformance/: pull, push,
 * content discovery, content management; docs/clients.md) — the Go suite cannot be
 * built offline here — run through the Bearer token flow with Basic credentials at the realm.
 */
forEachDatabase('OCI conformance', (database) => {
  let server: TestServer;
  let client: RegistryClient;
  let aliceCreds: { username: string; password: string };
  const repo = 'default/conformance';
  const repo2 = 'default/crossmount';

  beforeAll(async () => {
    server = await startServer({ database });
    const admin = await ApiClient.login(server);
    const alice = await makeUser(admin, 'alice', ['docker:write']);
    aliceCreds = alice;
    client = new RegistryClient(server.url, { username: alice.username, password: alice.password });
  });
  afterAll(() => server?.close());

  it('ping: 401 + Bearer challenge without credentials, 200 with a token', async () => {
    const anonymous = await client.request('GET', '/v2/', { noAuth: true, headers: { authorization: '' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe(`Bearer realm="${server.url}/v2/token",service="packgate"`);
    expect(anonymous.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(anonymous.json.errors[0].code).toBe('UNAUTHORIZED');
    expect(anonymous.json.errors[0].message).toContain(`docker login ${server.host}`);
    const authed = await client.request('GET', '/v2/');
    expect(authed.status).toBe(200);
    expect(authed.json).toEqual({});
  });

  describe('push', () => {
    it('POST then PUT with the body', async () => {
      const content = randomBytes(1000);
      const digest = digestOf(content);
      const post = await client.request('POST', `/v2/${repo}/blobs/uploads/`);
      expect(post.status).toBe(202);
      const location = post.headers.get('location')!;
      expect(location).toMatch(new RegExp(`^/v2/${repo}/blobs/uploads/[0-9a-f-]{36}$`));
      expect(post.headers.get('docker-upload-uuid')).toBeTruthy();
      expect(post.headers.get('range')).toBe('0-0');
      const put = await client.request('PUT', `${location}?digest=${digest}`, { body: content, headers: { 'content-type': 'application/octet-stream' } });
      expect(put.status).toBe(201);
      expect(put.headers.get('location')).toBe(`/v2/${repo}/blobs/${digest}`);
      expect(put.headers.get('docker-content-digest')).toBe(digest);
      const head = await client.request('HEAD', `/v2/${repo}/blobs/${digest}`);
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe('1000');
      expect(head.headers.get('docker-content-digest')).toBe(digest);
    });

    it('POST only (monolithic) and the empty blob', async () => {
      const digest = await client.pushBlob(repo, randomBytes(300));
      expect((await client.request('GET', `/v2/${repo}/blobs/${digest}`)).body.length).toBe(300);
      const empty = await client.pushBlob(repo, Buffer.alloc(0));
      expect(empty).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      const got = await client.request('GET', `/v2/${repo}/blobs/${empty}`);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-length')).toBe('0');
    });

    it('chunked PATCH with Content-Range, progress GET, out-of-order chunk → 416', async () => {
      const content = randomBytes(3000);
      const digest = digestOf(content);
      const post = await client.request('POST', `/v2/${repo}/blobs/uploads/`);
      let location = post.headers.get('location')!;
      const first = await client.request('PATCH', location, { body: content.subarray(0, 1000), headers: { 'content-type': 'application/octet-stream', 'content-range': '0-999' } });
      expect(first.status).toBe(202);
      expect(first.headers.get('range')).toBe('0-999');
      location = first.headers.get('location')!;
      const gap = await client.request('PATCH', location, { body: content.subarray(1500, 2000), headers: { 'content-type': 'application/octet-stream', 'content-range': '1500-1999' } });
      expect(gap.status).toBe(416);
      expect(gap.headers.get('range')).toBe('0-999');
      const status = await client.request('GET', location);
      expect(status.status).toBe(204);
      expect(status.headers.get('range')).toBe('0-999');
      const second = await client.request('PATCH', location, { body: content.subarray(1000, 2500), headers: { 'content-type': 'application/octet-stream', 'content-range': '1000-2499' } });
      expect(second.status).toBe(202);
      expect(second.headers.get('range')).toBe('0-2499');
      const put = await client.request('PUT', `${second.headers.get('location')}?digest=${digest}`, { body: content.subarray(2500), headers: { 'content-type': 'application/octet-stream', 'content-range': '2500-2999' } });
      expect(put.status).toBe(201);
      const got = await client.request('GET', `/v2/${repo}/blobs/${digest}`);
      expect(got.body.equals(content)).toBe(true);
    });

    it('streamed PATCH without Content-Range, then PUT with no body', async () => {
      const content = randomBytes(5000);
      const digest = digestOf(content);
      const post = await client.request('POST', `/v2/${repo}/blobs/uploads/`);
      const patch = await client.request('PATCH', post.headers.get('location')!, { body: content, headers: { 'content-type': 'application/octet-stream' } });
      expect(patch.status).toBe(202);
      expect(patch.headers.get('range')).toBe('0-4999');
      const put = await client.request('PUT', `${patch.headers.get('location')}?digest=${digest}`);
      expect(put.status).toBe(201);
      expect((await client.request('HEAD', `/v2/${repo}/blobs/${digest}`)).status).toBe(200);
    });

    it('cancel: DELETE the session, then it is unknown', async () => {
      const post = await client.request('POST', `/v2/${repo}/blobs/uploads/`);
      const location = post.headers.get('location')!;
      await client.request('PATCH', location, { body: randomBytes(100), headers: { 'content-type': 'application/octet-stream' } });
      expect((await client.request('DELETE', location)).status).toBe(204);
      const after = await client.request('GET', location);
      expect(after.status).toBe(404);
      expect(after.json.errors[0].code).toBe('BLOB_UPLOAD_UNKNOWN');
    });

    it('mount from another repository, and without from', async () => {
      const digest = await client.pushBlob(repo, randomBytes(700));
      const mounted = await client.request('POST', `/v2/${repo2}/blobs/uploads/?mount=${digest}&from=${repo}`);
      expect(mounted.status).toBe(201);
      expect(mounted.headers.get('location')).toBe(`/v2/${repo2}/blobs/${digest}`);
      expect(mounted.headers.get('docker-content-digest')).toBe(digest);
      expect((await client.request('HEAD', `/v2/${repo2}/blobs/${digest}`)).status).toBe(200);
      const other = await client.pushBlob(repo, randomBytes(701));
      const anonymousMount = await client.request('POST', `/v2/default/third/blobs/uploads/?mount=${other}`);
      expect([201, 202]).toContain(anonymousMount.status);
      // A registry token scoped to the target only cannot read a source; Basic credentials can.
      expect(anonymousMount.status).toBe(202);
      const basic = { authorization: `Basic ${Buffer.from(`${aliceCreds.username}:${aliceCreds.password}`).toString('base64')}` };
      const viaBasic = await client.request('POST', `/v2/default/third/blobs/uploads/?mount=${other}`, { headers: basic });
      expect(viaBasic.status).toBe(201);
    });

    it('sha512 digests: monolithic, chunked, and a manifest by sha512 digest', async () => {
      const content = randomBytes(2000);
      const digest = await client.pushBlob(repo, content, 'sha512');
      expect(digest).toMatch(/^sha512:[0-9a-f]{128}$/);
      const got = await client.request('GET', `/v2/${repo}/blobs/${digest}`);
      expect(got.status).toBe(200);
      expect(got.headers.get('docker-content-digest')).toBe(digest);
      const chunked = randomBytes(1500);
      const post = await client.request('POST', `/v2/${repo}/blobs/uploads/?digest-algorithm=sha512`);
      const patch = await client.request('PATCH', post.headers.get('location')!, { body: chunked.subarray(0, 700), headers: { 'content-range': '0-699' } });
      const put = await client.request('PUT', `${patch.headers.get('location')}?digest=${digestOf(chunked, 'sha512')}`, { body: chunked.subarray(700) });
      expect(put.status).toBe(201);
      const config = Buffer.from('{"os":"linux","architecture":"arm64"}');
      const configDigest = await client.pushBlob(repo, config, 'sha512');
      const manifest = JSON.stringify(imageManifest({ digest: configDigest, size: config.length }, [{ digest, size: 2000 }]));
      const manifestDigest = digestOf(manifest, 'sha512');
      const pushed = await client.pushManifest(repo, manifestDigest, manifest, OCI_MANIFEST);
      expect(pushed.status).toBe(201);
      expect(pushed.headers.get('docker-content-digest')).toBe(manifestDigest);
      expect((await client.request('GET', `/v2/${repo}/manifests/${manifestDigest}`)).body.toString()).toBe(manifest);
    });
  });

  describe('pull', () => {
    it('Range reads → 206 with Content-Range', async () => {
      const content = randomBytes(2048);
      const digest = await client.pushBlob(repo, content);
      const part = await client.request('GET', `/v2/${repo}/blobs/${digest}`, { headers: { range: 'bytes=500-1499' } });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-length')).toBe('1000');
      expect(part.headers.get('content-range')).toBe('bytes 500-1499/2048');
      expect(part.body.equals(content.subarray(500, 1500))).toBe(true);
      const tail = await client.request('GET', `/v2/${repo}/blobs/${digest}`, { headers: { range: 'bytes=2000-' } });
      expect(tail.body.equals(content.subarray(2000))).toBe(true);
      const beyond = await client.request('GET', `/v2/${repo}/blobs/${digest}`, { headers: { range: 'bytes=5000-6000' } });
      expect(beyond.status).toBe(416);
    });

    it('manifests by tag and by digest, GET and HEAD, exact bytes', async () => {
      const { manifestDigest, manifest } = await pushImage(client, repo, 'v1', 'pull');
      for (const reference of ['v1', manifestDigest]) {
        const got = await client.request('GET', `/v2/${repo}/manifests/${reference}`, { headers: { accept: OCI_MANIFEST } });
        expect(got.status).toBe(200);
        expect(got.headers.get('content-type')).toBe(OCI_MANIFEST);
        expect(got.headers.get('docker-content-digest')).toBe(manifestDigest);
        expect(got.body.toString()).toBe(manifest);
        const head = await client.request('HEAD', `/v2/${repo}/manifests/${reference}`);
        expect(head.status).toBe(200);
        expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(manifest)));
      }
    });

    it('custom fields and annotations survive byte for byte', async () => {
      const config = Buffer.from('{"custom":true}');
      const configDigest = await client.pushBlob(repo, config);
      const manifest = `{\n  "schemaVersion": 2,\n  "mediaType": "${OCI_MANIFEST}",\n  "config": {"mediaType": "${OCI_CONFIG}", "digest": "${configDigest}", "size": ${config.length}},\n  "layers": [],\n  "annotations": {"org.example.note": "hi"},\n  "x-custom-field": [1, 2, 3]\n}`;
      expect((await client.pushManifest(repo, 'custom', manifest, OCI_MANIFEST)).status).toBe(201);
      expect((await client.request('GET', `/v2/${repo}/manifests/custom`)).body.toString()).toBe(manifest);
    });
  });

  describe('content discovery', () => {
    it('image index and nested index', async () => {
      const a = await pushImage(client, repo, 'amd64', 'a');
      const b = await pushImage(client, repo, 'arm64', 'b');
      const index = JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          { mediaType: OCI_MANIFEST, digest: a.manifestDigest, size: Buffer.byteLength(a.manifest), platform: { os: 'linux', architecture: 'amd64' } },
          { mediaType: OCI_MANIFEST, digest: b.manifestDigest, size: Buffer.byteLength(b.manifest), platform: { os: 'linux', architecture: 'arm64' } },
        ],
      });
      const pushed = await client.pushManifest(repo, 'multi', index, OCI_INDEX);
      expect(pushed.status).toBe(201);
      const nested = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_INDEX, digest: digestOf(index), size: Buffer.byteLength(index) }] });
      expect((await client.pushManifest(repo, 'nested', nested, OCI_INDEX)).status).toBe(201);
      const got = await client.request('GET', `/v2/${repo}/manifests/nested`);
      expect(got.headers.get('content-type')).toBe(OCI_INDEX);
      expect(got.body.toString()).toBe(nested);
    });

    it('artifacts with the empty config, subject and referrers (with artifactType filter)', async () => {
      const subject = await pushImage(client, repo, 'subject', 'subj');
      const empty = await client.pushBlob(repo, '{}');
      const payload = await client.pushBlob(repo, 'signature-bytes');
      const artifact = (type: string) =>
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          artifactType: type,
          config: { mediaType: OCI_EMPTY, digest: empty, size: 2 },
          layers: [{ mediaType: 'application/octet-stream', digest: payload, size: 15 }],
          subject: { mediaType: OCI_MANIFEST, digest: subject.manifestDigest, size: Buffer.byteLength(subject.manifest) },
          annotations: { 'org.example.kind': type },
        });
      const sig = artifact('application/vnd.example.signature');
      const sbom = artifact('application/vnd.example.sbom');
      for (const doc of [sig, sbom]) {
        const res = await client.pushManifest(repo, digestOf(doc), doc, OCI_MANIFEST);
        expect(res.status).toBe(201);
        expect(res.headers.get('oci-subject')).toBe(subject.manifestDigest);
      }
      const all = await client.request('GET', `/v2/${repo}/referrers/${subject.manifestDigest}`);
      expect(all.status).toBe(200);
      expect(all.headers.get('content-type')).toBe(OCI_INDEX);
      expect(all.json.manifests).toHaveLength(2);
      expect(all.json.manifests[0]).toEqual({ mediaType: OCI_MANIFEST, digest: digestOf(sig), size: Buffer.byteLength(sig), artifactType: 'application/vnd.example.signature', annotations: { 'org.example.kind': 'application/vnd.example.signature' } });
      const filtered = await client.request('GET', `/v2/${repo}/referrers/${subject.manifestDigest}?artifactType=application/vnd.example.sbom`);
      expect(filtered.headers.get('oci-filters-applied')).toBe('artifactType');
      expect(filtered.json.manifests.map((m: { digest: string }) => m.digest)).toEqual([digestOf(sbom)]);
    });

    it('a subject that was never pushed is accepted; its referrers list answers 200', async () => {
      const missing = digestOf('never pushed');
      const empty = await client.pushBlob(repo, '{}');
      const doc = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: 'application/vnd.example.x', config: { mediaType: OCI_EMPTY, digest: empty, size: 2 }, layers: [], subject: { mediaType: OCI_MANIFEST, digest: missing, size: 10 } });
      expect((await client.pushManifest(repo, digestOf(doc), doc, OCI_MANIFEST)).status).toBe(201);
      const referrers = await client.request('GET', `/v2/${repo}/referrers/${missing}`);
      expect(referrers.status).toBe(200);
      expect(referrers.json.manifests).toHaveLength(1);
      const none = await client.request('GET', `/v2/${repo}/referrers/${digestOf('nothing refers here')}`);
      expect(none.status).toBe(200);
      expect(none.json).toEqual({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });
    });

    it('tag list sorted, with n/last pagination and Link', async () => {
      const name = 'default/paging';
      const { manifest } = await pushImage(client, name, 'zeta', 'p');
      for (const tag of ['alpha', 'Beta', 'gamma', 'delta']) expect((await client.pushManifest(name, tag, manifest, OCI_MANIFEST)).status).toBe(201);
      const all = await client.request('GET', `/v2/${name}/tags/list`);
      expect(all.json).toEqual({ name, tags: ['Beta', 'alpha', 'delta', 'gamma', 'zeta'] });
      const first = await client.request('GET', `/v2/${name}/tags/list?n=2`);
      expect(first.json.tags).toEqual(['Beta', 'alpha']);
      expect(first.headers.get('link')).toBe(`</v2/${name}/tags/list?n=2&last=alpha>; rel="next"`);
      const next = await client.request('GET', `/v2/${name}/tags/list?n=2&last=alpha`);
      expect(next.json.tags).toEqual(['delta', 'gamma']);
      const last = await client.request('GET', `/v2/${name}/tags/list?n=2&last=gamma`);
      expect(last.json.tags).toEqual(['zeta']);
      expect(last.headers.get('link')).toBeNull();
      const zero = await client.request('GET', `/v2/${name}/tags/list?n=0`);
      expect(zero.json.tags).toEqual([]);
      expect(zero.headers.get('link')).toBeNull();
    });
  });

  describe('content management', () => {
    it('deletes a tag, a manifest by digest, and a blob', async () => {
      const { manifestDigest, layerDigest, manifest } = await pushImage(client, repo, 'doomed', 'd');
      await client.pushManifest(repo, 'doomed-2', manifest, OCI_MANIFEST);
      expect((await client.request('DELETE', `/v2/${repo}/manifests/doomed-2`)).status).toBe(202);
      expect((await client.request('GET', `/v2/${repo}/manifests/doomed-2`)).status).toBe(404);
      expect((await client.request('GET', `/v2/${repo}/manifests/doomed`)).status).toBe(200);
      expect((await client.request('DELETE', `/v2/${repo}/manifests/${manifestDigest}`)).status).toBe(202);
      const gone = await client.request('GET', `/v2/${repo}/manifests/${manifestDigest}`);
      expect(gone.status).toBe(404);
      expect(gone.json.errors[0].code).toBe('MANIFEST_UNKNOWN');
      expect((await client.request('GET', `/v2/${repo}/manifests/doomed`)).status).toBe(404);
      expect((await client.request('DELETE', `/v2/${repo}/blobs/${layerDigest}`)).status).toBe(202);
      const blob = await client.request('HEAD', `/v2/${repo}/blobs/${layerDigest}`);
      expect(blob.status).toBe(404);
    });

    it('missing content → 404 with the spec codes', async () => {
      const unknown = digestOf(randomBytes(8));
      const blob = await client.request('GET', `/v2/${repo}/blobs/${unknown}`);
      expect(blob.status).toBe(404);
      expect(blob.json.errors[0].code).toBe('BLOB_UNKNOWN');
      const manifest = await client.request('GET', `/v2/${repo}/manifests/${unknown}`);
      expect(manifest.status).toBe(404);
      expect(manifest.json.errors[0].code).toBe('MANIFEST_UNKNOWN');
      expect((await client.request('GET', `/v2/${repo}/manifests/no-such-tag`)).json.errors[0].code).toBe('MANIFEST_UNKNOWN');
      const tags = await client.request('GET', '/v2/default/never-pushed/tags/list');
      expect(tags.status).toBe(404);
      expect(tags.json.errors[0].code).toBe('NAME_UNKNOWN');
      expect((await client.request('DELETE', `/v2/${repo}/manifests/${unknown}`)).status).toBe(404);
    });

    it('invalid digests → 400 DIGEST_INVALID', async () => {
      const bad = await client.request('GET', `/v2/${repo}/blobs/sha256:not-hex`);
      expect(bad.status).toBe(400);
      expect(bad.json.errors[0].code).toBe('DIGEST_INVALID');
      const content = randomBytes(64);
      const wrong = await client.request('POST', `/v2/${repo}/blobs/uploads/?digest=${digestOf('something else')}`, { body: content });
      expect(wrong.status).toBe(400);
      expect(wrong.json.errors[0].code).toBe('DIGEST_INVALID');
      expect((await client.request('HEAD', `/v2/${repo}/blobs/${digestOf(content)}`)).status).toBe(404);
    });
  });

  it('catalog lists the repositories the caller may pull', async () => {
    const res = await client.request('GET', '/v2/_catalog');
    expect(res.status).toBe(200);
    expect(res.json.repositories).toEqual(expect.arrayContaining([repo, 'default/paging']));
    // Only mounted blobs, no manifest: not a repository yet.
    expect(res.json.repositories).not.toContain(repo2);
    const page = await client.request('GET', '/v2/_catalog?n=1');
    expect(page.json.repositories).toHaveLength(1);
    expect(page.headers.get('link')).toMatch(/^<\/v2\/_catalog\?n=1&last=.+>; rel="next"$/);
  });
});
