import type { ParsedManifest } from './manifest-parser';

/**
 * Whether a tag names an image or an artifact (a signature, SBOM, attestation, …), and which type
 * of artifact. Artifacts are listed apart from image tags and never are a repository's latest.
 *
 * A tag is an artifact when its manifest
 * - declares an `artifactType` (OCI 1.1 manifests and indexes), or is an image manifest whose config
 *   is not an image config (cosign's `application/vnd.dev.cosign.simplesigning.v1+json`, in-toto,
 *   Helm charts, …): the type is that `artifactType`, else the config media type, as the referrers
 *   API reports it;
 * - or the tag follows cosign's convention `sha256-<64 hex>.sig|.att|.sbom` (cosign gives its
 *   signatures an image config): the type is the first layer's media type (the payload), else
 *   cosign's default payload type for that suffix.
 * Image indexes and manifest lists without an `artifactType` are images.
 */
export const IMAGE_CONFIG_MEDIA_TYPES: readonly string[] = ['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json'];

const COSIGN_TAG = /^sha256-[0-9a-f]{64}\.(sig|att|sbom)$/;

/** What cosign puts in the layers of each kind when nothing else is known (`cosign attach sbom` defaults to SPDX). */
export const COSIGN_PAYLOAD_TYPES: Readonly<Record<'sig' | 'att' | 'sbom', string>> = {
  sig: 'application/vnd.dev.cosign.simplesigning.v1+json',
  att: 'application/vnd.dsse.envelope.v1+json',
  sbom: 'text/spdx',
};

const IMAGE_LAYER = /^application\/vnd\.(oci\.image\.layer\.|docker\.image\.rootfs\.)/;

export interface ManifestShape {
  /** `artifactType` if declared, else (image manifests) the config media type; null for an index without one. */
  artifactType: string | null;
  /** Media types of the layers (empty for an index, or when not known). */
  layerMediaTypes: readonly string[];
}

/** The shape of a pushed manifest (its first blob is the config). */
export function manifestShape(parsed: ParsedManifest): ManifestShape {
  return { artifactType: parsed.artifactType, layerMediaTypes: parsed.kind === 'manifest' ? parsed.blobs.slice(1).map((blob) => blob.mediaType) : [] };
}

/** The artifact type of a tag, or null when the tag names an image. */
export function tagArtifactType(tag: string, manifest: ManifestShape): string | null {
  if (manifest.artifactType !== null && !IMAGE_CONFIG_MEDIA_TYPES.includes(manifest.artifactType)) return manifest.artifactType;
  const cosign = COSIGN_TAG.exec(tag);
  if (!cosign) return null;
  const payload = manifest.layerMediaTypes.find((type) => !IMAGE_LAYER.test(type));
  return payload ?? COSIGN_PAYLOAD_TYPES[cosign[1] as keyof typeof COSIGN_PAYLOAD_TYPES];
}
