import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { seedPackage } from '../support/packages';
import { TestServer, forEachDatabase, startServer } from '../support/server';
import { RegistryClient, pushImage } from './support/registry-client';

/**
 * Garbage collection (`POST /api/v1/admin/gc`, old name `/api/v1/admin/docker/gc`): one step for every
 * format, deleting only blobs nothing references, after the grace period.
 */
forEachDatabase('Garbage collection', (database) => {
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
  const gc = (grace?: number, route = 'gc') => admin.post(`/api/v1/admin/${route}${grace === undefined ? '' : `?graceSeconds=${grace}`}`);

  it('is for installation admins only', async () => {
    const alice = await ApiClient.login(server, 'alice', 'alice-password-1');
    const token = await makeToken(alice, ['api']);
    for (const route of ['gc', 'docker/gc']) {
      expect((await admin.withBearer(token.token).post(`/api/v1/admin/${route}`)).status).toBe(403);
      expect((await alice.post(`/api/v1/admin/${route}`)).status).toBe(403);
    }
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

  it('is format-neutral: the file of a deleted PyPI package is collected, through the new route and the docker alias alike', async () => {
    await seedPackage(server, { type: 'pypi', name: 'gc-demo', version: '1.0.0', content: 'pypi bytes nobody needs after the delete' });
    await seedPackage(server, { type: 'pypi', name: 'gc-kept', version: '1.0.0', content: 'pypi bytes still in use' });
    const digestOf = async (name: string) =>
      ((await server.app.get(DataSource).query('SELECT f.blob_digest AS digest FROM package_file f INNER JOIN package p ON p.id = f.package_id WHERE p.normalized_name = ?', [name])) as { digest: string }[])[0].digest;
    const [doomed, kept] = [await digestOf('gc-demo'), await digestOf('gc-kept')];
    expect(existsSync(blobFile(doomed))).toBe(true);
    expect((await admin.delete('/api/v1/orgs/default/packages/pypi/gc-demo')).status).toBe(204);
    expect((await gc(3600, 'docker/gc')).body.deletedBlobs).toBe(0);
    expect(existsSync(blobFile(doomed))).toBe(true);
    const report = await gc(0, 'docker/gc');
    expect(report.status).toBe(200);
    expect(report.body.deletedBlobs).toBe(1);
    expect(existsSync(blobFile(doomed))).toBe(false);
    expect(existsSync(blobFile(kept))).toBe(true);
    expect((await gc(0)).body).toEqual({ deletedBlobs: 0, freedBytes: 0, repairedCounts: 0 });
  });
});
