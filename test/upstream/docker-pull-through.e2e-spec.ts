import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OCI_INDEX, OCI_MANIFEST, RegistryClient } from '../docker/support/registry-client';
import { buildImageLayout, mustRun, run, tempDir } from '../docker/support/tools';
import { ApiClient, makeUser } from '../support/http';
import { TestServer, forEachDatabase, itOnDefaultDatabase, startServer } from '../support/server';
import { DockerRegistry, seedImage, startDockerRegistry } from './support/docker-registry';
import { layoutImage, putDockerUpstream } from './support/docker-proxy';

/**
 * Docker pull-through against Debian's docker-registry (CNCF distribution, no auth) as the org's
 * upstream with prefix `hub`: skopeo and podman pull `default/hub/library/alpine:3.20` through
 * Packgate; pushes under the prefix are refused; a repository pushed before the upstream existed is
 * never looked up upstream; reserved names are never fetched; tags are re-checked after the TTL;
 * with the upstream stopped, what was cached still pulls (stale) and the rest is a 502 naming it.
 */
forEachDatabase('docker pull-through', (database) => {
  // The client flows run on SQLite; the tests given to `it` also run on MariaDB (see itOnDefaultDatabase).
  const itSqliteOnly = itOnDefaultDatabase(database);
  let server: TestServer;
  let upstream: DockerRegistry;
  let admin: ApiClient;
  let reader: { username: string; password: string };
  let writer: { username: string; password: string };
  let work: { dir: string; cleanup(): void };
  let upstreamLayout: string;
  let otherLayout: string;
  let localLayout: string;
  let podmanArgs: string[];
  let podmanEnv: Record<string, string>;

  beforeAll(async () => {
    work = tempDir('packgate-docker-proxy-');
    upstreamLayout = await buildImageLayout(path.join(work.dir), 'upstream');
    otherLayout = await buildImageLayout(await mkdir(work.dir, 'other'), 'other');
    localLayout = await buildImageLayout(await mkdir(work.dir, 'local'), 'local');
    upstream = await startDockerRegistry();
    await seedImage(upstream, `${upstreamLayout}:v1`, 'library/alpine:3.20');
    await seedImage(upstream, `${upstreamLayout}:v1`, 'library/alpine:edge');
    await seedImage(upstream, `${upstreamLayout}:v1`, 'library/busybox:1');
    await seedImage(upstream, `${upstreamLayout}:v1`, 'library/uncached:1');
    await seedImage(upstream, `${upstreamLayout}:v1`, 'acme/app:1');
    await seedImage(upstream, `${upstreamLayout}:v1`, 'library/concurrent:1');
    await seedImage(upstream, `${otherLayout}:v1`, 'library/multi:amd64');
    // A multi-platform image: an OCI index naming the amd64 manifest.
    const child = layoutImage(otherLayout).manifestDigest;
    const childSize = (await new RegistryClient(upstream.url).request('HEAD', `/v2/library/multi/manifests/${child}`)).headers.get('content-length');
    const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: child, size: Number(childSize), platform: { architecture: 'amd64', os: 'linux' } }] };
    expect((await new RegistryClient(upstream.url).pushManifest('library/multi', '1', index, OCI_INDEX)).status).toBe(201);
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    reader = await makeUser(admin, 'reader', ['dashboard', 'docker:read']);
    writer = await makeUser(admin, 'writer', ['dashboard', 'docker:write']);
    // Pushed before the upstream was set up: a private repository under what becomes the prefix.
    await mustRun('skopeo', ['copy', '--dest-tls-verify=false', '--dest-creds', `${writer.username}:${writer.password}`, `oci:${localLayout}:v1`, `docker://${server.host}/default/hub/library/busybox:1`]);
    await putDockerUpstream(admin, 'default', { url: upstream.url, prefix: 'hub', metadataTtlSeconds: 300, reserved: ['acme/*'] });
    writeFileSync(path.join(work.dir, 'registries.conf'), `unqualified-search-registries = []\n[[registry]]\nlocation = "${server.host}"\ninsecure = true\n`);
    podmanEnv = { REGISTRY_AUTH_FILE: path.join(work.dir, 'auth.json'), CONTAINERS_REGISTRIES_CONF: path.join(work.dir, 'registries.conf') };
    podmanArgs = ['--root', path.join(work.dir, 'storage'), '--runroot', path.join(work.dir, 'run'), '--storage-driver', 'vfs'];
  }, 300_000);
  afterAll(async () => {
    if (podmanArgs) await run('podman', [...podmanArgs, 'rmi', '-a', '-f'], { env: podmanEnv });
    await upstream?.cleanup();
    await server?.close();
    work?.cleanup();
  });

  const ref = (name: string) => `docker://${server.host}/${name}`;
  const creds = (user: { username: string; password: string }) => `${user.username}:${user.password}`;
  const pullTo = async (user: { username: string; password: string }, name: string, dir: string) => {
    const out = path.join(work.dir, dir);
    const result = await run('skopeo', ['copy', '--src-tls-verify=false', '--src-creds', creds(user), ref(name), `oci:${out}:x`]);
    return { ...result, out };
  };

  it('skopeo pulls an upstream image through the prefix; it is stored as a package with source upstream', async () => {
    const pulled = await pullTo(reader, 'default/hub/library/alpine:3.20', 'alpine');
    expect(pulled.stderr).toBe('');
    expect(pulled.code).toBe(0);
    expect(layoutImage(pulled.out)).toEqual(layoutImage(upstreamLayout));
    const detail = await admin.get(`/api/v1/orgs/default/packages/docker/${encodeURIComponent('hub/library/alpine')}`);
    expect(detail.status).toBe(200);
    expect(detail.body.source).toBe('upstream');
    expect(detail.body.versions.map((v: { version: string }) => v.version)).toEqual(['3.20']);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/packgate_upstream_cache_misses_total\{format="docker",kind="file"\} [1-9]/);
    expect(metrics).toMatch(/packgate_upstream_bytes_total\{format="docker"\} [1-9]/);
  });

  itSqliteOnly('podman pulls through the prefix (by tag, then by digest from the store)', async () => {
    const login = await run('podman', [...podmanArgs, 'login', '--tls-verify=false', '-u', reader.username, '--password-stdin', server.host], { env: podmanEnv, input: reader.password });
    expect(login.code).toBe(0);
    const byTag = await run('podman', [...podmanArgs, 'pull', '--tls-verify=false', `${server.host}/default/hub/library/alpine:edge`], { env: podmanEnv, timeoutMs: 180_000 });
    expect(byTag.stderr).not.toMatch(/error/i);
    expect(byTag.code).toBe(0);
    const { manifestDigest } = layoutImage(upstreamLayout);
    const byDigest = await run('podman', [...podmanArgs, 'pull', '--tls-verify=false', `${server.host}/default/hub/library/alpine@${manifestDigest}`], { env: podmanEnv, timeoutMs: 180_000 });
    expect(byDigest.code).toBe(0);
  });

  itSqliteOnly('refuses pushes under the prefix (DENIED) and creates nothing', async () => {
    const push = await run('skopeo', ['copy', '--dest-tls-verify=false', '--dest-creds', creds(writer), `oci:${otherLayout}:v1`, ref('default/hub/library/mine:1')]);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(/denied.*read-only cache/i);
    const put = await new RegistryClient(server.url, writer).request('PUT', '/v2/default/hub/library/alpine/manifests/evil', { body: '{}', headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
    expect(put.status).toBe(403);
    expect(put.json.errors[0].code).toBe('DENIED');
    const list = await admin.get('/api/v1/orgs/default/packages?type=docker');
    expect(list.body.map((p: { name: string }) => p.name)).not.toContain('hub/library/mine');
  });

  itSqliteOnly('a repository pushed before the upstream existed is served locally, never from the upstream', async () => {
    const pulled = await pullTo(reader, 'default/hub/library/busybox:1', 'busybox');
    expect(pulled.code).toBe(0);
    expect(layoutImage(pulled.out).manifestDigest).toBe(layoutImage(localLayout).manifestDigest);
    const missing = await new RegistryClient(server.url, reader).request('GET', '/v2/default/hub/library/busybox/manifests/latest');
    expect(missing.status).toBe(404);
    expect(missing.json.errors[0].code).toBe('MANIFEST_UNKNOWN');
  });

  itSqliteOnly('names matching a reserved pattern are never fetched (404 saying so)', async () => {
    const res = await new RegistryClient(server.url, reader).request('GET', '/v2/default/hub/acme/app/manifests/1');
    expect(res.status).toBe(404);
    expect(res.json.errors[0].message).toMatch(/reserved/);
    const pulled = await pullTo(reader, 'default/hub/acme/app:1', 'acme');
    expect(pulled.code).not.toBe(0);
  });

  itSqliteOnly('re-checks tags after the TTL: a moved tag is fetched again', async () => {
    const client = new RegistryClient(server.url, reader);
    const before = await client.request('HEAD', '/v2/default/hub/library/alpine/manifests/edge');
    expect(before.headers.get('docker-content-digest')).toBe(layoutImage(upstreamLayout).manifestDigest);
    await seedImage(upstream, `${otherLayout}:v1`, 'library/alpine:edge');
    // Within the TTL the cached tag is served as is.
    expect((await client.request('HEAD', '/v2/default/hub/library/alpine/manifests/edge')).headers.get('docker-content-digest')).toBe(layoutImage(upstreamLayout).manifestDigest);
    await putDockerUpstream(admin, 'default', { url: upstream.url, prefix: 'hub', metadataTtlSeconds: 0, reserved: ['acme/*'] });
    const after = await pullTo(reader, 'default/hub/library/alpine:edge', 'edge-after');
    expect(after.code).toBe(0);
    expect(layoutImage(after.out)).toEqual(layoutImage(otherLayout));
  });

  it('concurrent first pulls of one image share the fetch and all succeed', async () => {
    const client = new RegistryClient(server.url, reader);
    const manifests = await Promise.all([1, 2, 3, 4].map(() => client.request('GET', '/v2/default/hub/library/concurrent/manifests/1', { headers: { accept: OCI_MANIFEST } })));
    expect(manifests.map((res) => res.status)).toEqual([200, 200, 200, 200]);
    const layers = layoutImage(upstreamLayout).layers;
    const blobs = await Promise.all(layers.map((digest) => client.request('GET', `/v2/default/hub/library/concurrent/blobs/${digest}`)));
    expect(blobs.map((res) => res.status)).toEqual(layers.map(() => 200));
  });

  itSqliteOnly('an index is stored alone; the platform manifest is fetched when a client asks for it', async () => {
    const client = new RegistryClient(server.url, reader);
    const index = await client.request('GET', '/v2/default/hub/library/multi/manifests/1', { headers: { accept: OCI_INDEX } });
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe(OCI_INDEX);
    const child = layoutImage(otherLayout).manifestDigest;
    const pulled = await run('skopeo', ['copy', '--src-tls-verify=false', '--src-creds', creds(reader), '--override-arch', 'amd64', '--override-os', 'linux', ref('default/hub/library/multi:1'), `oci:${path.join(work.dir, 'multi')}:x`]);
    expect(pulled.stderr).toBe('');
    expect(layoutImage(path.join(work.dir, 'multi')).manifestDigest).toBe(child);
    const tags = await client.request('GET', '/v2/default/hub/library/multi/tags/list');
    expect(tags.json.tags).toEqual(['1']);
  });

  itSqliteOnly('upstream stopped: cached tags, manifests and blobs still pull (Warning: stale); uncached names are a 502 naming the upstream', async () => {
    await upstream.stop();
    const pulled = await pullTo(reader, 'default/hub/library/alpine:3.20', 'alpine-stale');
    expect(pulled.code).toBe(0);
    expect(layoutImage(pulled.out)).toEqual(layoutImage(upstreamLayout));
    const client = new RegistryClient(server.url, reader);
    const head = await client.request('GET', '/v2/default/hub/library/alpine/manifests/3.20');
    expect(head.status).toBe(200);
    expect(head.headers.get('warning')).toMatch(/^110 /);
    const uncached = await client.request('GET', '/v2/default/hub/library/uncached/manifests/1');
    expect(uncached.status).toBe(502);
    expect(uncached.json.errors[0].message).toContain(upstream.host);
    const failed = await pullTo(reader, 'default/hub/library/uncached:1', 'uncached');
    expect(failed.code).not.toBe(0);
    // containers/image shows only the status line of a 502; the OCI body above names the upstream.
    expect(failed.stderr).toMatch(/502 Bad Gateway/);
  });

  itSqliteOnly('a cached repository refuses pushes once the upstream is removed, until an org admin deletes it', async () => {
    expect((await admin.delete('/api/v1/orgs/default/upstreams/docker')).status).toBe(204);
    const refused = await run('skopeo', ['copy', '--dest-tls-verify=false', '--dest-creds', creds(writer), `oci:${otherLayout}:v1`, ref('default/hub/library/alpine:mine')]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/denied.*cached from an upstream/i);
    expect((await admin.delete(`/api/v1/orgs/default/packages/docker/${encodeURIComponent('hub/library/alpine')}`)).status).toBe(204);
    await mustRun('skopeo', ['copy', '--dest-tls-verify=false', '--dest-creds', creds(writer), `oci:${otherLayout}:v1`, ref('default/hub/library/alpine:mine')]);
    const detail = await admin.get(`/api/v1/orgs/default/packages/docker/${encodeURIComponent('hub/library/alpine')}`);
    expect(detail.body.source).toBe('local');
  });
});

async function mkdir(parent: string, name: string): Promise<string> {
  const dir = path.join(parent, name);
  await mustRun('mkdir', ['-p', dir]);
  return dir;
}
