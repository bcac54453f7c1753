import { DataSource } from 'typeorm';
import { DockerTagsAsVersions1764940000000 } from '@packgate/registries/docker';
import { ApiClient, makeUser } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';
import { OCI_MANIFEST, RegistryClient, pushImage } from './support/registry-client';

/**
 * The migration that turns Docker tags into core versions, run on a database holding pushed
 * images: `down` puts the tags back into `docker_tag` (the layout before), `up` moves them again.
 * Tags, their files, the reference counts and what clients pull come out as they were.
 */
forEachDatabase('Docker tags as core versions (migration)', (database) => {
  let server: TestServer;
  let dataSource: DataSource;
  let admin: ApiClient;
  let client: RegistryClient;

  beforeAll(async () => {
    server = await startServer({ database });
    dataSource = server.app.get(DataSource);
    admin = await ApiClient.login(server);
    client = new RegistryClient(server.url, await makeUser(admin, 'pusher', ['dashboard', 'docker:write']));
  });
  afterAll(() => server?.close());

  const migrate = async (direction: 'up' | 'down') => {
    const runner = dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await new DockerTagsAsVersions1764940000000()[direction](runner);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
  };
  const refCounts = async () =>
    Object.fromEntries(((await dataSource.query('SELECT digest, ref_count FROM `blob` ORDER BY digest')) as { digest: string; ref_count: number | string }[]).map((row) => [row.digest, Number(row.ref_count)]));
  const detail = async (name: string) => {
    const res = await admin.get(`/api/v1/orgs/default/packages/docker/${name}`);
    expect(res.status).toBe(200);
    const versions = (res.body.versions as { version: string; files: { filename: string; size: number; sha256: string }[] }[])
      .map((version) => ({ version: version.version, files: version.files.map((file) => `${file.filename} ${file.size} ${file.sha256}`).sort() }))
      .sort((a, b) => a.version.localeCompare(b.version));
    return { size: res.body.size as number, versionCount: res.body.versionCount as number, versions };
  };
  const dockerVersions = async () => Number(((await dataSource.query(`SELECT COUNT(*) AS n FROM package_version v INNER JOIN package p ON p.id = v.package_id WHERE p.type = 'docker'`)) as { n: number | string }[])[0].n);

  it('moves pushed tags to docker_tag and back, keeping files, counts and pulls', async () => {
    const one = await pushImage(client, 'default/app', 'v1', 'one');
    expect((await client.pushManifest('default/app', 'latest', one.manifest, OCI_MANIFEST)).status).toBe(201);
    const two = await pushImage(client, 'default/app', 'v2', 'two');
    // A manifest whose tag was deleted: no version, still a docker_manifest row holding references.
    const untagged = await pushImage(client, 'default/app', 'tmp', 'three');
    expect((await client.request('DELETE', '/v2/default/app/manifests/tmp')).status).toBe(202);
    await pushImage(client, 'default/other', 'v1', 'one');
    const pkgId = Number(((await dataSource.query("SELECT id FROM package WHERE type = 'docker' AND normalized_name = 'app'")) as { id: number }[])[0].id);

    const before = { app: await detail('app'), other: await detail('other'), counts: await refCounts() };
    expect(before.app.versions.map((version) => version.version)).toEqual(['latest', 'v1', 'v2']);
    expect(before.app.versions.find((version) => version.version === 'v1')!.files).toHaveLength(3);

    await migrate('down');
    const tags = (await dataSource.query('SELECT name, manifest_digest FROM docker_tag WHERE package_id = ? ORDER BY name', [pkgId])) as { name: string; manifest_digest: string }[];
    expect(tags).toEqual([
      { name: 'latest', manifest_digest: one.manifestDigest },
      { name: 'v1', manifest_digest: one.manifestDigest },
      { name: 'v2', manifest_digest: two.manifestDigest },
    ]);
    expect(await dockerVersions()).toBe(0);
    // Only the manifests' own references are left: one per manifest row on its bytes and blobs.
    const down = await refCounts();
    expect(down[one.layerDigest]).toBe(2);
    expect(down[untagged.manifestDigest]).toBe(1);

    await migrate('up');
    expect(await dataSource.query("SELECT name FROM docker_tag").catch(() => 'gone')).toBe('gone');
    expect(await detail('app')).toEqual(before.app);
    expect(await detail('other')).toEqual(before.other);
    expect(await refCounts()).toEqual(before.counts);
    for (const tag of ['v1', 'latest', 'v2']) expect((await client.request('GET', `/v2/default/app/manifests/${tag}`)).status).toBe(200);
    expect((await client.request('GET', '/v2/default/app/tags/list')).json.tags).toEqual(['latest', 'v1', 'v2']);
  });

  it('keeps tags that differ only in case apart (MariaDB included)', async () => {
    const lower = await pushImage(client, 'default/cased', 'v1', 'lower');
    const upper = await pushImage(client, 'default/cased', 'V1', 'upper');
    expect((await client.request('GET', '/v2/default/cased/manifests/v1')).headers.get('docker-content-digest')).toBe(lower.manifestDigest);
    expect((await client.request('GET', '/v2/default/cased/manifests/V1')).headers.get('docker-content-digest')).toBe(upper.manifestDigest);
    expect((await client.request('GET', '/v2/default/cased/tags/list')).json.tags).toEqual(['V1', 'v1']);
  });
});
