import { COSIGN_PAYLOAD_TYPES, manifestShape, tagArtifactType } from './artifact-type';
import { parseManifest } from './manifest-parser';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const COSIGN_SIG = 'application/vnd.dev.cosign.simplesigning.v1+json';
const SIG_TAG = `sha256-${'a'.repeat(64)}.sig`;

function manifest(mediaType: string, configType: string, layerTypes: string[], extra: Record<string, unknown> = {}) {
  return {
    schemaVersion: 2,
    mediaType,
    config: { mediaType: configType, digest: digest('c'), size: 2 },
    layers: layerTypes.map((type, i) => ({ mediaType: type, digest: digest(String(i)), size: 10 })),
    ...extra,
  };
}

function index(mediaType: string, extra: Record<string, unknown> = {}) {
  return { schemaVersion: 2, mediaType, manifests: [{ mediaType: OCI_MANIFEST, digest: digest('d'), size: 100, platform: { os: 'linux', architecture: 'amd64' } }], ...extra };
}

/** The type a tag gets for this manifest, as pushed (parsed from its bytes). */
const typeOf = (tag: string, doc: { mediaType: string }) => tagArtifactType(tag, manifestShape(parseManifest(Buffer.from(JSON.stringify(doc)), doc.mediaType)));

describe('tagArtifactType', () => {
  it('image manifests (OCI and Docker) and indexes/lists are images', () => {
    expect(typeOf('v1', manifest(OCI_MANIFEST, OCI_CONFIG, [OCI_LAYER]))).toBeNull();
    expect(typeOf('latest', manifest(DOCKER_MANIFEST, DOCKER_CONFIG, ['application/vnd.docker.image.rootfs.diff.tar.gzip']))).toBeNull();
    expect(typeOf('v1', index(OCI_INDEX))).toBeNull();
    expect(typeOf('v1', index(DOCKER_LIST))).toBeNull();
  });

  it('an OCI manifest or index declaring artifactType is that artifact', () => {
    expect(typeOf('sbom', manifest(OCI_MANIFEST, 'application/vnd.oci.empty.v1+json', ['application/spdx+json'], { artifactType: 'application/spdx+json' }))).toBe('application/spdx+json');
    expect(typeOf('bundle', index(OCI_INDEX, { artifactType: 'application/vnd.example.bundle' }))).toBe('application/vnd.example.bundle');
  });

  it('a manifest whose config is not an image config is an artifact of the config type', () => {
    expect(typeOf('signed', manifest(OCI_MANIFEST, COSIGN_SIG, [COSIGN_SIG]))).toBe(COSIGN_SIG);
    expect(typeOf('prov', manifest(OCI_MANIFEST, 'application/vnd.in-toto+json', ['application/vnd.in-toto+json']))).toBe('application/vnd.in-toto+json');
    expect(typeOf('1.0.0', manifest(OCI_MANIFEST, 'application/vnd.cncf.helm.config.v1+json', ['application/vnd.cncf.helm.chart.content.v1.tar+gzip']))).toBe('application/vnd.cncf.helm.config.v1+json');
  });

  it("cosign's tag convention with an image config: the payload layer's type, else cosign's default for the suffix", () => {
    expect(typeOf(SIG_TAG, manifest(OCI_MANIFEST, OCI_CONFIG, [COSIGN_SIG]))).toBe(COSIGN_SIG);
    expect(typeOf(`sha256-${'b'.repeat(64)}.att`, manifest(OCI_MANIFEST, OCI_CONFIG, ['application/vnd.dsse.envelope.v1+json']))).toBe('application/vnd.dsse.envelope.v1+json');
    expect(typeOf(`sha256-${'c'.repeat(64)}.sbom`, manifest(OCI_MANIFEST, OCI_CONFIG, ['application/vnd.cyclonedx+json']))).toBe('application/vnd.cyclonedx+json');
    // Known only from the stored manifest row (no layer types): cosign's defaults.
    expect(tagArtifactType(SIG_TAG, { artifactType: OCI_CONFIG, layerMediaTypes: [] })).toBe(COSIGN_PAYLOAD_TYPES.sig);
    expect(tagArtifactType(`sha256-${'c'.repeat(64)}.sbom`, { artifactType: OCI_CONFIG, layerMediaTypes: [OCI_LAYER] })).toBe('text/spdx');
  });

  it('only the exact cosign convention counts', () => {
    const image = manifest(OCI_MANIFEST, OCI_CONFIG, [OCI_LAYER]);
    for (const tag of ['sig', 'v1.sig', `sha256-${'a'.repeat(63)}.sig`, `sha256-${'A'.repeat(64)}.sig`, `sha256-${'a'.repeat(64)}.sigx`, `sha512-${'a'.repeat(64)}.sig`, `sha256-${'a'.repeat(64)}`]) {
      expect({ tag, type: typeOf(tag, image) }).toEqual({ tag, type: null });
    }
  });
});
