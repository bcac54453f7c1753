import { describe, expect, it } from 'vitest';
import { artifactKind } from './artifacts';

describe('artifactKind', () => {
  const digest = 'ab'.repeat(32);
  it("follows cosign's tag suffix first", () => {
    expect(artifactKind(`sha256-${digest}.sig`, 'application/vnd.oci.image.config.v1+json')).toBe('Signature');
    expect(artifactKind(`sha256-${digest}.att`, 'application/vnd.dsse.envelope.v1+json')).toBe('Attestation');
    expect(artifactKind(`sha256-${digest}.sbom`, 'application/vnd.cyclonedx+json')).toBe('SBOM');
  });

  it('else reads the media type', () => {
    expect(artifactKind('signed', 'application/vnd.dev.cosign.simplesigning.v1+json')).toBe('Signature');
    expect(artifactKind('bundle', 'application/vnd.dev.sigstore.bundle.v0.3+json')).toBe('Signature');
    expect(artifactKind('prov', 'application/vnd.in-toto+json')).toBe('Attestation');
    expect(artifactKind('sbom', 'application/spdx+json')).toBe('SBOM');
    expect(artifactKind('sbom', 'text/spdx')).toBe('SBOM');
    expect(artifactKind('1.0.0', 'application/vnd.cncf.helm.config.v1+json')).toBe('Artifact');
  });
});
