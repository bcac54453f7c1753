export * from './docker-manifest.entity';
export * from './docker-blob-link.entity';
export * from './docker-upload-session.entity';

import { DockerBlobLink } from './docker-blob-link.entity';
import { DockerManifest } from './docker-manifest.entity';
import { DockerUploadSession } from './docker-upload-session.entity';

export const DOCKER_ENTITIES = [DockerManifest, DockerBlobLink, DockerUploadSession];

/** Tags are core versions now; the shape callers of RepositoryService.findTag get. */
export type { DockerTag } from '../services/repository.service';
