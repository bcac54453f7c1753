import { ApiClient, makeUser } from '../support/http';
import { seedPackage } from '../support/packages';
import { TestServer, forEachDatabase, startServer } from '../support/server';
import { COSIGN_SIMPLESIGNING, DSSE_ENVELOPE, SPDX_JSON, cosignTag, pushArtifact } from './support/artifacts';
import { OCI_CONFIG, OCI_MANIFEST, RegistryClient, pushImage } from './support/registry-client';

interface VersionView {
  version: string;
  artifactType: string | null;
}

/**
 * OCI artifacts (signatures, SBOMs, attestations) pushed under tags are versions with their
 * artifact type, listed apart from image tags, and never a repository's latest: REST
 * `latestVersion` (and with it the dashboard's pull command) names the last image tag pushed.
 */
forEachDatabase('Docker artifacts apart from image tags', (database) => {
  let server: TestServer;
  let admin: ApiClient;
  let client: RegistryClient;

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    client = new RegistryClient(server.url, await makeUser(admin, 'signer', ['docker:write']));
  });
  afterAll(() => server?.close());

  const detail = async (name: string) => {
    const res = await admin.get(`/api/v1/orgs/default/packages/docker/${name}`);
    expect(res.status).toBe(200);
    const types = Object.fromEntries((res.body.versions as VersionView[]).map((version) => [version.version, version.artifactType]));
    return { latestVersion: res.body.latestVersion as string | null, versionCount: res.body.versionCount as number, types };
  };
  const listed = async (name: string) => {
    const res = await admin.get('/api/v1/orgs/default/packages?type=docker');
    expect(res.status).toBe(200);
    return (res.body as { name: string; latestVersion: string | null; versionCount: number }[]).find((pkg) => pkg.name === name);
  };

  it('an image tag is the latest; a cosign signature, a cosign attestation and an OCI artifact pushed after it are listed with their types', async () => {
    const image = await pushImage(client, 'default/app', 'v1', 'one');
    const subject = { digest: image.manifestDigest, size: Buffer.byteLength(image.manifest) };
    // cosign's signature layout: the signature tag, a manifest whose config is cosign's own type.
    const sigTag = cosignTag(image.manifestDigest, 'sig');
    await pushArtifact(client, 'default/app', sigTag, { config: COSIGN_SIMPLESIGNING, layerMediaType: COSIGN_SIMPLESIGNING, payload: '{"critical":{}}' });
    // cosign attestation: an image config, recognised by the tag convention; the type is the payload's.
    const attTag = cosignTag(image.manifestDigest, 'att');
    await pushArtifact(client, 'default/app', attTag, { config: OCI_CONFIG, layerMediaType: DSSE_ENVELOPE, payload: '{"payloadType":"application/vnd.in-toto+json"}' });
    // OCI 1.1 artifact: artifactType, empty config, subject.
    await pushArtifact(client, 'default/app', 'sbom', { artifactType: SPDX_JSON, layerMediaType: SPDX_JSON, payload: '{"spdxVersion":"SPDX-2.3"}', subject });

    expect(await detail('app')).toEqual({
      latestVersion: 'v1',
      versionCount: 4,
      types: { v1: null, [sigTag]: COSIGN_SIMPLESIGNING, [attTag]: DSSE_ENVELOPE, sbom: SPDX_JSON },
    });
    expect(await listed('app')).toMatchObject({ latestVersion: 'v1', versionCount: 4 });
    // Still ordinary tags on the wire.
    expect((await client.request('GET', '/v2/default/app/tags/list')).json.tags.sort()).toEqual([attTag, sigTag, 'sbom', 'v1'].sort());
    expect((await client.request('GET', `/v2/default/app/referrers/${image.manifestDigest}`)).json.manifests.map((entry: { artifactType: string }) => entry.artifactType)).toEqual([SPDX_JSON]);
  });

  it('latest follows image pushes, and moving a tag between an image and an artifact moves it in or out of "latest"', async () => {
    await pushImage(client, 'default/app', 'v2', 'two');
    await pushArtifact(client, 'default/app', cosignTag(`sha256:${'2'.repeat(64)}`, 'sig'), { config: COSIGN_SIMPLESIGNING, layerMediaType: COSIGN_SIMPLESIGNING, payload: 'sig-2' });
    expect((await detail('app')).latestVersion).toBe('v2');

    // v3 pushed as an image, then overwritten with an artifact: latest falls back to v2.
    await pushImage(client, 'default/app', 'v3', 'three');
    expect((await detail('app')).latestVersion).toBe('v3');
    await pushArtifact(client, 'default/app', 'v3', { artifactType: SPDX_JSON, layerMediaType: SPDX_JSON, payload: 'sbom-3' });
    expect(await detail('app')).toMatchObject({ latestVersion: 'v2', types: expect.objectContaining({ v3: SPDX_JSON }) });

    // The artifact tag `sbom` now names an image: it becomes the latest.
    await pushImage(client, 'default/app', 'sbom', 'four');
    expect(await detail('app')).toMatchObject({ latestVersion: 'sbom', types: expect.objectContaining({ sbom: null }) });
  });

  it('a repository holding only artifacts is listed without a latest', async () => {
    await pushArtifact(client, 'default/sigs-only', cosignTag(`sha256:${'3'.repeat(64)}`, 'sig'), { config: COSIGN_SIMPLESIGNING, layerMediaType: COSIGN_SIMPLESIGNING, payload: 'sig-3' });
    expect(await listed('sigs-only')).toMatchObject({ latestVersion: null, versionCount: 1 });
    expect((await detail('sigs-only')).latestVersion).toBeNull();
  });

  it('PyPI and npm versions have no artifact type', async () => {
    await seedPackage(server, { type: 'pypi', name: 'plain-lib', version: '1.0.0' });
    await seedPackage(server, { type: 'npm', name: 'plain-js', version: '1.0.0', filename: 'plain-js-1.0.0.tgz' });
    for (const path of ['pypi/plain-lib', 'npm/plain-js']) {
      const res = await admin.get(`/api/v1/orgs/default/packages/${path}`);
      expect(res.status).toBe(200);
      expect({ path, latest: res.body.latestVersion, types: (res.body.versions as VersionView[]).map((version) => version.artifactType) }).toEqual({ path, latest: '1.0.0', types: [null] });
    }
  });

  it('an artifact type longer than a media type can be is refused with MANIFEST_INVALID, storing nothing', async () => {
    const long = `application/vnd.${'x'.repeat(250)}+json`;
    const before = await detail('app');
    const config = await client.pushBlob('default/app', '{}');
    const manifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: long, config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: config, size: 2 }, layers: [] };
    const res = await client.pushManifest('default/app', 'too-long', manifest, OCI_MANIFEST);
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({ code: 'MANIFEST_INVALID', message: 'artifactType is longer than 255 characters' });
    const configLong = { ...manifest, artifactType: undefined, config: { ...manifest.config, mediaType: long } };
    expect((await client.pushManifest('default/app', 'too-long', configLong, OCI_MANIFEST)).json.errors[0].code).toBe('MANIFEST_INVALID');
    expect(await detail('app')).toEqual(before);
  });
});
