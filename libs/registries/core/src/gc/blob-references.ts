import { Injectable } from '@nestjs/common';

/**
 * References on blobs that a format keeps outside package files (Docker manifests name their
 * layers and config). Garbage collection adds them to the package files' references.
 */
export interface BlobReferenceSource {
  /** blob digest → references held on it. */
  referenceCounts(): Promise<Map<string, number>>;
  /** Called with the digests just collected, to drop rows that only pointed at them. */
  collected?(digests: string[]): Promise<void>;
}

/** Format modules register their source here at start. */
@Injectable()
export class BlobReferenceRegistry {
  private readonly sources = new Map<string, BlobReferenceSource>();

  register(name: string, source: BlobReferenceSource): void {
    this.sources.set(name, source);
  }

  all(): BlobReferenceSource[] {
    return [...this.sources.values()];
  }
}
