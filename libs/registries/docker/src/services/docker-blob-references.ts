import { Injectable } from '@nestjs/common';
import { BlobReferenceSource } from '@packgate/registries/core';
import { RepositoryService } from './repository.service';

/** Docker's part of garbage collection: the references manifests hold, and links to collected blobs. */
@Injectable()
export class DockerBlobReferences implements BlobReferenceSource {
  constructor(private readonly repositories: RepositoryService) {}

  referenceCounts(): Promise<Map<string, number>> {
    return this.repositories.manifestReferenceCounts();
  }

  collected(digests: string[]): Promise<void> {
    return this.repositories.deleteLinks(digests);
  }
}
