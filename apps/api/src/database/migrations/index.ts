import { DockerArtifactVersions1764950000000, DockerNamesWithoutOrg1764800000500, DockerSchema1763900000500, DockerTagsAsVersions1764940000000, DockerUploadSessions1764600000500 } from '@packgate/registries/docker';
import { InitialSchema1763900000000 } from './1763900000000-initial-schema';
import { TrustedPublishing1764600000000 } from './1764600000000-trusted-publishing';
import { AuthThrottle1764650000000 } from './1764650000000-auth-throttle';
import { QueryIndexes1764700000000 } from './1764700000000-query-indexes';
import { UpstreamProxy1764910000000 } from './1764910000000-upstream-proxy';

/** In order. Migrations are imported, not globbed, so the build output needs no file scanning. */
export const MIGRATIONS = [InitialSchema1763900000000, DockerSchema1763900000500, TrustedPublishing1764600000000, DockerUploadSessions1764600000500, AuthThrottle1764650000000, QueryIndexes1764700000000, DockerNamesWithoutOrg1764800000500, UpstreamProxy1764910000000, DockerTagsAsVersions1764940000000, DockerArtifactVersions1764950000000];
