import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';
import { RegistryClient, pushImage } from './support/registry-client';

/** Garbage collection (`POST /api/v1/admin/docker/gc`): only blobs nothing references, after the grace period. */
forEachDatabase('Docker garbage collection', (database) => {
  let server: TestServer;
  let admin: ApiClient;
  let client: RegistryClient;

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    client = new RegistryClient(server.url, await makeUser(admin, 'alice', ['dashboard', 'docker:write']));
  });
  afterAll(() => server?.close());

  const blobFile = (digest: string) => path.join(server.dataDir, 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7));
  const gc = (grace?: number) => admin.post(`/api/v1/admin/docker/gc${grace === undefined ? '' : `?graceSeconds=${grace}`}`);

  it('is for installation admins only', async () => {
    const alice = await ApiClient.login(server, 'alice', 'alice-password-1');
    const token = await makeToken(alice, ['api']);
    expect((await admin.withBearer(token.token).post('/api/v1/admin/docker/gc')).status).toBe(403);
  });

  it('keeps referenced blobs and fresh uploads; deletes what a deleted manifest left behind', async () => {
    const kept = await pushImage(client, 'default/keep', 'v1', 'keep');
    const doomed = await pushImage(client, 'default/doomed', 'v1', 'doomed');
    const fresh = await client.pushBlob('default/doomed', 'uploaded, manifest still on its way');
    expect((await client.request('DELETE', `/v2/default/doomed/manifests/${doomed.manifestDigest}`)).status).toBe(202);

    const withGrace = await gc();
    expect(withGrace.status).toBe(200);
    expect(withGrace.body.deletedBlobs).toBe(0);
    expect(existsSync(blobFile(doomed.layerDigest))).toBe(true);

    const now = await gc(0);
    expect(now.body.deletedBlobs).toBe(4);
    for (const digest of [doomed.layerDigest, doomed.configDigest, doomed.manifestDigest, fresh]) expect(existsSync(blobFile(digest))).toBe(false);
    expect((await client.request('HEAD', `/v2/default/doomed/blobs/${doomed.layerDigest}`)).status).toBe(404);
    for (const digest of [kept.layerDigest, kept.configDigest, kept.manifestDigest]) expect(existsSync(blobFile(digest))).toBe(true);
    expect((await client.request('GET', '/v2/default/keep/manifests/v1')).status).toBe(200);
  });

  it('repairs counts of repositories deleted through the REST API and collects their blobs', async () => {
    const gone = await pushImage(client, 'default/rest-deleted', 'v1', 'rest');
    expect((await admin.delete(`/api/v1/orgs/default/packages/docker/rest-deleted`)).status).toBe(204);
    const report = await gc(0);
    expect(report.body.repairedCounts).toBeGreaterThanOrEqual(3);
    expect(existsSync(blobFile(gone.layerDigest))).toBe(false);
    expect((await client.request('GET', '/v2/default/keep/manifests/v1')).status).toBe(200);
  });
});
