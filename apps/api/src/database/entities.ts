import { DOCKER_ENTITIES } from '@packgate/registries/docker';
import { AccessToken, AuditEvent, AuthThrottle, Membership, Organization, Session, User } from '@packgate/auth';
import { Blob, Package, PackageFile, PackageVersion } from '@packgate/registries/core';

/** Every entity of the schema; formats that add tables append theirs here. */
export const ENTITIES = [Organization, User, Membership, AccessToken, Session, AuditEvent, AuthThrottle, Package, PackageVersion, PackageFile, Blob, ...DOCKER_ENTITIES];
