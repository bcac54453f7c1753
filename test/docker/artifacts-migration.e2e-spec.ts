import { DataSource } from 'typeorm';
import { DockerArtifactVersions1764950000000 } from '@packgate/registries/docker';
import { ApiClient, makeUser } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';
import { COSIGN_SIMPLESIGNING, DSSE_ENVELOPE, SPDX_JSON, cosignTag, pushArtifact } from './support/artifacts';
import { OCI_CONFIG, RegistryClient, pushImage } from './support/registry-client';

/**
 * The migration that records which versions are artifacts, run on a database holding pushed
 * images and artifacts: `down` removes the column, `up` classifies the existing tags again from
 * their stored manifests. Only a cosign-convention tag with an image config loses detail: its
 * payload type is not stored, so it gets cosign's default for the suffix.
 */
forEachDatabase('Docker artifact versions (migration)', (database) => {
  let server: TestServer;
  let dataSource: DataSource;
  let admin: ApiClient;
  let client: RegistryClient;

  beforeAll(async () => {
    server = await startServer({ database });
    dataSource = server.app.get(DataSource);
    admin = await ApiClient.login(server);
    client = new RegistryClient(server.url, await makeUser(admin, 'pusher', ['docker:write']));
  });
  afterAll(() => server?.close());

  const migrate = async (direction: 'up' | 'down') => {
    const runner = dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await new DockerArtifactVersions1764950000000()[direction](runner);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
  };
  const detail = async (name: string) => {
    const res = await admin.get(`/api/v1/orgs/default/packages/docker/${name}`);
    expect(res.status).toBe(200);
    return { latestVersion: res.body.latestVersion, types: Object.fromEntries((res.body.versions as { version: string; artifactType: string | null }[]).map((v) => [v.version, v.artifactType])) };
  };

  it('classifies the tags already stored, as a push does', async () => {
    const image = await pushImage(client, 'default/app', 'v1', 'one');
    const sig = cosignTag(image.manifestDigest, 'sig');
    const att = cosignTag(image.manifestDigest, 'att');
    const sbom = cosignTag(image.manifestDigest, 'sbom');
    await pushArtifact(client, 'default/app', sig, { config: COSIGN_SIMPLESIGNING, layerMediaType: COSIGN_SIMPLESIGNING, payload: 'sig' });
    await pushArtifact(client, 'default/app', att, { config: OCI_CONFIG, layerMediaType: DSSE_ENVELOPE, payload: 'att' });
    await pushArtifact(client, 'default/app', sbom, { config: OCI_CONFIG, layerMediaType: 'application/vnd.cyclonedx+json', payload: 'cyclonedx' });
    await pushArtifact(client, 'default/app', 'spdx', { artifactType: SPDX_JSON, layerMediaType: SPDX_JSON, payload: 'spdx' });
    // An image tag pushed under the name of a former artifact, and one more image in another repository.
    await pushImage(client, 'default/other', 'latest', 'two');

    const before = { app: await detail('app'), other: await detail('other') };
    expect(before.app).toEqual({ latestVersion: 'v1', types: { v1: null, [sig]: COSIGN_SIMPLESIGNING, [att]: DSSE_ENVELOPE, [sbom]: 'application/vnd.cyclonedx+json', spdx: SPDX_JSON } });

    await migrate('down');
    const runner = dataSource.createQueryRunner();
    try {
      expect(await runner.hasColumn('package_version', 'artifact_type')).toBe(false);
    } finally {
      await runner.release();
    }
    await migrate('up');

    expect(await detail('app')).toEqual({ ...before.app, types: { ...before.app.types, [sbom]: 'text/spdx' } });
    expect(await detail('other')).toEqual({ latestVersion: 'latest', types: { latest: null } });
  });
});
