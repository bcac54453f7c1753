import type { PackageVersion } from '../../api/types';

export type ArtifactKind = 'Signature' | 'Attestation' | 'SBOM' | 'Artifact';

const COSIGN_SUFFIX: Record<string, ArtifactKind> = { sig: 'Signature', att: 'Attestation', sbom: 'SBOM' };

/**
 * A readable kind for an artifact tag: cosign's tag suffix (`sha256-<digest>.sig|.att|.sbom`) when
 * it follows that convention, else guessed from the media type; anything else is an "Artifact"
 * (shown with its media type).
 */
export function artifactKind(tag: string, artifactType: string): ArtifactKind {
  const suffix = /^sha256-[0-9a-f]{64}\.(sig|att|sbom)$/.exec(tag)?.[1];
  if (suffix) return COSIGN_SUFFIX[suffix];
  const type = artifactType.toLowerCase();
  if (/signature|simplesigning|notary|sigstore/.test(type)) return 'Signature';
  if (/in-toto|dsse|attestation|provenance/.test(type)) return 'Attestation';
  if (/spdx|cyclonedx|syft|sbom/.test(type)) return 'SBOM';
  return 'Artifact';
}

/** Image tags (and PyPI/npm versions) apart from artifact tags, each in the server's order. */
export function splitArtifacts(versions: PackageVersion[]): { releases: PackageVersion[]; artifacts: (PackageVersion & { artifactType: string })[] } {
  const releases: PackageVersion[] = [];
  const artifacts: (PackageVersion & { artifactType: string })[] = [];
  for (const version of versions) {
    if (version.artifactType) artifacts.push({ ...version, artifactType: version.artifactType });
    else releases.push(version);
  }
  return { releases, artifacts };
}
