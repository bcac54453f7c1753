import { DockerNamesWithoutOrg1764800000500, DockerSchema1763900000500, DockerUploadSessions1764600000500 } from '@packgate/registries/docker';
import { InitialSchema1763900000000 } from './1763900000000-initial-schema';
import { AuthThrottle1764650000000 } from './1764650000000-auth-throttle';

/** In order. Migrations are imported, not globbed, so the build output needs no file scanning. */
export const MIGRATIONS = [InitialSchema1763900000000, DockerSchema1763900000500, DockerUploadSessions1764600000500, AuthThrottle1764650000000, DockerNamesWithoutOrg1764800000500];
