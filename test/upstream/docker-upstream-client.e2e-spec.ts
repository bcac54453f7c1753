import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { UpstreamClient } from '../../libs/registries/core/src/upstream/upstream-client';
import { UpstreamRegistryClient, UpstreamTarget } from '../../libs/registries/docker/src/upstream/upstream-registry-client';
import { UpstreamError } from '../../libs/registries/docker/src/upstream/upstream-error';
import { buildImageLayout, mustRun, tempDir } from '../docker/support/tools';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { TestServer, startServer } from '../support/server';
import { DockerRegistry, seedImage, startDockerRegistry } from './support/docker-registry';

/**
 * The upstream registry client against real registries on loopback: distribution without auth,
 * distribution with htpasswd (Basic challenge), and a Packgate server (Bearer challenge, token
 * realm, anonymous and with credentials). Database independent: the client has no storage.
 */
describe('upstream registry client', () => {
  let work: { dir: string; cleanup(): void };
  let layout: string;
  let open: DockerRegistry;
  let basic: DockerRegistry;
  let bearer: TestServer;
  let bearerToken: string;
  let manifestDigest: string;
  let layers: { digest: string; size: number }[];
  const http = new UpstreamClient({ connectTimeoutMs: 5000, timeoutMs: 10_000, maxDocumentBytes: 4 * 1024 * 1024 });
  const client = new UpstreamRegistryClient(http, 4 * 1024 * 1024);
  const at = (url: string, credentials: UpstreamTarget['credentials'] = null): UpstreamTarget => ({ type: 'docker', url, host: new URL(url).host, credentials });

  beforeAll(async () => {
    work = tempDir('packgate-upstream-client-');
    layout = await buildImageLayout(work.dir, 'client');
    const index = JSON.parse(readFileSync(path.join(layout, 'index.json'), 'utf8'));
    manifestDigest = index.manifests[0].digest;
    const manifest = JSON.parse(readFileSync(path.join(layout, 'blobs', 'sha256', manifestDigest.slice(7)), 'utf8'));
    layers = manifest.layers;
    open = await startDockerRegistry();
    basic = await startDockerRegistry({ htpasswd: { username: 'puller', password: 'pull-secret-1' } });
    await seedImage(open, `${layout}:v1`, 'library/alpine:3.20');
    await seedImage(basic, `${layout}:v1`, 'library/alpine:3.20');
    bearer = await startServer();
    const admin = await ApiClient.login(bearer);
    const writer = await makeUser(admin, 'writer', ['dashboard', 'docker:write']);
    bearerToken = (await makeToken(await ApiClient.login(bearer, writer.username, writer.password), ['docker:read'])).token;
    await mustRun('skopeo', ['copy', '--dest-tls-verify=false', '--dest-creds', `${writer.username}:${writer.password}`, `oci:${layout}:v1`, `docker://${bearer.host}/default/alpine:3.20`]);
    await mustRun('skopeo', ['copy', '--dest-tls-verify=false', '--dest-creds', `${writer.username}:${writer.password}`, `oci:${layout}:v1`, `docker://${bearer.host}/default/public-alpine:3.20`]);
    expect((await admin.patch('/api/v1/orgs/default/packages/docker/public-alpine', { private: false })).status).toBe(200);
  }, 180_000);
  afterAll(async () => {
    await open?.cleanup();
    await basic?.cleanup();
    await bearer?.close();
    http.onModuleDestroy();
    work?.cleanup();
  });

  const sha256 = async (stream: NodeJS.ReadableStream) => {
    const hash = createHash('sha256');
    for await (const chunk of stream) hash.update(chunk as Buffer);
    return `sha256:${hash.digest('hex')}`;
  };

  it('pulls a manifest by tag and by digest and a blob from an open registry', async () => {
    const target = at(open.url, null);
    const byTag = await client.manifest(target, 'library/alpine', '3.20');
    expect(byTag.digest).toBe(manifestDigest);
    expect(byTag.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect((await client.manifest(target, 'library/alpine', manifestDigest)).digest).toBe(manifestDigest);
    expect(await client.manifestDigest(target, 'library/alpine', '3.20')).toBe(manifestDigest);
    const blob = await client.blob(target, 'library/alpine', layers[0].digest);
    expect(blob.size).toBe(layers[0].size);
    expect(await sha256(blob.body)).toBe(layers[0].digest);
    expect(await client.hasBlob(target, 'library/alpine', layers[1].digest)).toBe(true);
    expect(await client.hasBlob(target, 'library/alpine', `sha256:${'0'.repeat(64)}`)).toBe(false);
  });

  it('answers the Basic challenge of an htpasswd registry with the configured credentials', async () => {
    const target = at(basic.url, basic.credentials);
    expect((await client.manifest(target, 'library/alpine', '3.20')).digest).toBe(manifestDigest);
    expect(await sha256((await client.blob(target, 'library/alpine', layers[2].digest)).body)).toBe(layers[2].digest);
    await expect(client.manifest(at(basic.url, null), 'library/alpine', '3.20')).rejects.toMatchObject({ kind: 'refused' });
    await expect(client.manifest(at(basic.url, { username: 'puller', password: 'wrong' }), 'library/alpine', '3.20')).rejects.toMatchObject({ kind: 'refused' });
  });

  it('follows a Bearer challenge to the token realm with credentials', async () => {
    const target = at(bearer.url, { username: 'ci', password: bearerToken });
    expect((await client.manifest(target, 'default/alpine', '3.20')).digest).toBe(manifestDigest);
    expect(await sha256((await client.blob(target, 'default/alpine', layers[0].digest)).body)).toBe(layers[0].digest);
    const refused = await client.manifest(at(bearer.url, null), 'default/alpine', '3.20').catch((error) => error);
    expect(refused).toBeInstanceOf(UpstreamError);
    expect(refused.kind).toBe('refused');
    expect(refused.message).toContain(bearer.host);
    await expect(client.manifest(at(bearer.url, { username: 'ci', password: 'pgt_nope' }), 'default/alpine', '3.20')).rejects.toMatchObject({ kind: 'refused' });
  });

  it('gets an anonymous pull token from the realm when no credentials are configured (Docker Hub style)', async () => {
    const target = at(bearer.url, null);
    expect((await client.manifest(target, 'default/public-alpine', '3.20')).digest).toBe(manifestDigest);
    expect(await sha256((await client.blob(target, 'default/public-alpine', layers[1].digest)).body)).toBe(layers[1].digest);
  });

  it('reports missing names as not-found and a stopped registry as unreachable, naming the host', async () => {
    await expect(client.manifest(at(open.url, null), 'library/nothing', 'latest')).rejects.toMatchObject({ kind: 'not-found' });
    const gone = await startDockerRegistry();
    await gone.cleanup();
    const error = await client.manifest(at(gone.url, null), 'library/alpine', '3.20').catch((e) => e);
    expect(error).toMatchObject({ kind: 'unreachable', host: gone.host });
    expect(error.message).toContain(gone.host);
  });
});
