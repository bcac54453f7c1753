import { DOCKER_ENTITIES } from '@packgate/registries/docker';
import { AccessToken, AuditEvent, AuthThrottle, Membership, Organization, Session, User } from '@packgate/auth';
import { Blob, Package, PackageFile, PackageVersion, UPSTREAM_ENTITIES } from '@packgate/registries/core';
import { OidcTokenUse } from '../trusted-publishing/oidc-token-use.entity';
import { TrustedPublisher } from '../trusted-publishing/trusted-publisher.entity';

/** Every entity of the schema; formats that add tables append theirs here. */
export const ENTITIES = [Organization, User, Membership, AccessToken, Session, AuditEvent, AuthThrottle, Package, PackageVersion, PackageFile, Blob, ...UPSTREAM_ENTITIES, ...DOCKER_ENTITIES, TrustedPublisher, OidcTokenUse];
