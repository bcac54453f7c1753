import { OCI_EMPTY, OCI_MANIFEST, RegistryClient, digestOf } from './registry-client';

export const COSIGN_SIMPLESIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const DSSE_ENVELOPE = 'application/vnd.dsse.envelope.v1+json';
export const SPDX_JSON = 'application/spdx+json';

/** cosign's tag for a signature (`sig`), attestation (`att`) or SBOM (`sbom`) of a manifest. */
export const cosignTag = (manifestDigest: string, suffix: 'sig' | 'att' | 'sbom') => `${manifestDigest.replace(':', '-')}.${suffix}`;

/**
 * Pushes a one-layer manifest under `tag`: by default an OCI 1.1 artifact (empty config, the
 * `artifactType` given); with `config`, a manifest whose config has that media type (cosign's
 * layout: its signatures use an image config or its own). Returns the manifest digest.
 */
export async function pushArtifact(
  client: RegistryClient,
  repo: string,
  tag: string,
  options: { layerMediaType: string; payload: string; artifactType?: string; config?: string; subject?: { digest: string; size: number } },
): Promise<string> {
  const configBytes = options.config === undefined ? '{}' : JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
  const configDigest = await client.pushBlob(repo, configBytes);
  const layerDigest = await client.pushBlob(repo, options.payload);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    ...(options.artifactType ? { artifactType: options.artifactType } : {}),
    config: { mediaType: options.config ?? OCI_EMPTY, digest: configDigest, size: Buffer.byteLength(configBytes) },
    layers: [{ mediaType: options.layerMediaType, digest: layerDigest, size: Buffer.byteLength(options.payload) }],
    ...(options.subject ? { subject: { mediaType: OCI_MANIFEST, ...options.subject } } : {}),
  });
  const res = await client.pushManifest(repo, tag, manifest, OCI_MANIFEST);
  if (res.status !== 201) throw new Error(`push artifact ${tag}: ${res.status} ${res.body.toString()}`);
  return digestOf(manifest);
}
