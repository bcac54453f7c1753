import { blake2b } from 'hash-wasm';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';
import { basicAuth, buildDist, multipartBody, twineUpload } from '../pypi/support/clients';
import { OCI_MANIFEST, RegistryClient, digestOf, imageManifest } from '../docker/support/registry-client';
import { npmPublishDocument } from '../support/npm-publish';

/**
 * Concurrent writers must neither lose data nor refuse correct requests: every request of a burst
 * gets its proper answer and everything that was acknowledged stays stored and downloadable. Each
 * burst is repeated a few rounds (fresh names) to make the races likely.
 */
const ROUNDS = 3;

/** The real-client sanity check needs twine on PATH (CI has it). */
const itWithTwine = spawnSync('twine', ['--version']).status === 0 ? it : it.skip;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** What twine sends for one file: the core-metadata fields, the three digests, then the content part. */
async function twineShaped(name: string, version: string, filename: string, data: Buffer): Promise<{ body: Buffer; contentType: string }> {
  const fields: [string, string][] = [
    [':action', 'file_upload'],
    ['protocol_version', '1'],
    ['name', name],
    ['version', version],
    ['filetype', 'bdist_wheel'],
    ['pyversion', 'py3'],
    ['metadata_version', '2.1'],
    ['summary', 'concurrency test'],
    ['md5_digest', createHash('md5').update(data).digest('hex')],
    ['sha256_digest', sha256(data)],
    ['blake2_256_digest', await blake2b(data, 256)],
  ];
  return multipartBody(fields, { filename, data });
}

forEachDatabase('concurrent uploads', (database) => {
  let server: TestServer;
  let admin: ApiClient;
  let pypiAuth: string;
  let pypiToken: string;
  let npmToken: string;
  let docker: RegistryClient;

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    pypiToken = (await makeToken(admin, ['pypi:write'])).token;
    pypiAuth = basicAuth('__token__', pypiToken);
    npmToken = (await makeToken(admin, ['npm:write'])).token;
    docker = new RegistryClient(server.url, await makeUser(admin, 'pusher', ['docker:write']));
  });
  afterAll(() => server?.close());

  const uploadPypi = async (pending: Promise<{ body: Buffer; contentType: string }>) => {
    const upload = await pending;
    const res = await fetch(`${server.url}/default/pypi/`, { method: 'POST', headers: { authorization: pypiAuth, 'content-type': upload.contentType }, body: upload.body });
    return { status: res.status, text: await res.text() };
  };
  const download = async (project: string, filename: string) => {
    const res = await fetch(`${server.url}/default/pypi/files/${project}/${filename}`, { headers: { authorization: pypiAuth } });
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  };
  const indexedFiles = async (project: string) => {
    const res = await fetch(`${server.url}/default/pypi/simple/${project}/`, { headers: { authorization: pypiAuth } });
    return [...(await res.text()).matchAll(/>([^<>]+\.whl)<\/a>/g)].map((match) => match[1]).sort();
  };

  it('twenty identical PyPI uploads of a new file: all 200, the bytes stay downloadable, a re-upload is 200', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const project = `same-pkg-${round}`;
      const wheel = readFileSync((await buildDist(project, '1.0.0', { payloadKb: 64 })).wheel);
      const filename = `same_pkg_${round}-1.0.0-py3-none-any.whl`;
      const results = await Promise.all(Array.from({ length: 20 }, () => uploadPypi(twineShaped(project, '1.0.0', filename, wheel))));
      expect(results.map((result) => `${result.status} ${result.status === 200 ? '' : result.text}`)).toEqual(Array(20).fill('200 '));
      expect(await indexedFiles(project)).toEqual([filename]);
      const stored = await download(project, filename);
      expect(stored.status).toBe(200);
      expect(sha256(stored.body)).toBe(sha256(wheel));
      const again = await uploadPypi(twineShaped(project, '1.0.0', filename, wheel));
      expect(again.status).toBe(200);
      expect(sha256((await download(project, filename)).body)).toBe(sha256(wheel));
    }
  });

  itWithTwine('a real twine upload, then the same file again concurrently with twine-shaped uploads', async () => {
    const dist = await buildDist('twine-same', '1.0.0');
    const first = await twineUpload(server, [dist.wheel], '__token__', pypiToken);
    expect(`${first.code} ${first.code === 0 ? '' : first.stdout + first.stderr}`).toBe('0 ');
    const wheel = readFileSync(dist.wheel);
    const filename = 'twine_same-1.0.0-py3-none-any.whl';
    const results = await Promise.all(Array.from({ length: 5 }, () => uploadPypi(twineShaped('twine-same', '1.0.0', filename, wheel))));
    expect(results.map((result) => result.status)).toEqual(Array(5).fill(200));
    expect(sha256((await download('twine-same', filename)).body)).toBe(sha256(wheel));
  });

  it('twenty different wheels of one new version at once: all stored', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const project = `many-pkg-${round}`;
      // Four distinct builds (building is slow), each under five filenames.
      const builds = await Promise.all(Array.from({ length: 4 }, async () => readFileSync((await buildDist(project, '2.0.0', { payloadKb: 1 })).wheel)));
      const wheels = Array.from({ length: 20 }, (_, i) => builds[i % builds.length]);
      // A build tag per wheel: twenty distinct filenames of the same release.
      const filenames = wheels.map((_, i) => `many_pkg_${round}-2.0.0-${i + 1}-py3-none-any.whl`);
      const results = await Promise.all(wheels.map((wheel, i) => uploadPypi(twineShaped(project, '2.0.0', filenames[i], wheel))));
      expect(results.map((result) => `${result.status} ${result.status === 200 ? '' : result.text}`)).toEqual(Array(20).fill('200 '));
      expect(await indexedFiles(project)).toEqual([...filenames].sort());
      for (const [i, filename] of filenames.entries()) expect(sha256((await download(project, filename)).body)).toBe(sha256(wheels[i]));
    }
  });

  it('ten concurrent npm publishes of different versions, each with its own dist-tag: no tag lost', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const name = `tags-lib-${round}`;
      const publish = (i: number) => {
        const version = `1.0.${i}`;
        const tarball = randomBytes(512);
        const doc = npmPublishDocument(name, version, tarball, { [`tag-${i}`]: version });
        return fetch(`${server.url}/default/npm/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${npmToken}` }, body: JSON.stringify(doc) }).then(async (res) => `${res.status} ${res.status === 200 || res.status === 201 ? '' : await res.text()}`);
      };
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => publish(i)));
      for (const result of results) expect(result).toMatch(/^20[01] $/);
      const packument = (await (await fetch(`${server.url}/default/npm/${name}`, { headers: { authorization: `Bearer ${npmToken}` } })).json()) as { versions: object; 'dist-tags': Record<string, string> };
      expect(Object.keys(packument.versions).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `1.0.${i}`).sort());
      for (let i = 0; i < 10; i += 1) expect(packument['dist-tags'][`tag-${i}`]).toBe(`1.0.${i}`);
      expect(packument['dist-tags'].latest).toBeDefined();
    }
  });

  it('one Docker manifest PUT to ten new tags at once: all 201, every tag stored', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const repo = `default/race-${round}`;
      const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', round }));
      const layer = randomBytes(1024);
      const configDigest = await docker.pushBlob(repo, config);
      const layerDigest = await docker.pushBlob(repo, layer);
      const manifest = JSON.stringify(imageManifest({ digest: configDigest, size: config.length }, [{ digest: layerDigest, size: layer.length }]));
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => docker.pushManifest(repo, `t${i}`, manifest, OCI_MANIFEST)));
      expect(results.map((res) => `${res.status} ${res.status === 201 ? '' : res.body.toString()}`)).toEqual(Array(10).fill('201 '));
      const tags = await docker.request('GET', `/v2/${repo}/tags/list`);
      expect([...tags.json.tags].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `t${i}`).sort());
      const pulled = await docker.request('GET', `/v2/${repo}/manifests/t9`, { headers: { accept: OCI_MANIFEST } });
      expect(pulled.headers.get('docker-content-digest')).toBe(digestOf(manifest));
    }
  });
});
