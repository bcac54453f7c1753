/**
 * Shapes of the REST API, taken from the types generated from the server's OpenAPI document
 * (`npm run openapi` → libs/api-client/src/schema.ts), so they cannot drift from the server.
 */
import type { Schemas } from '../../../../libs/api-client/src';

export type PackageType = Schemas['PackageSummaryDto']['type'];
export const PACKAGE_TYPES: readonly PackageType[] = ['pypi', 'npm', 'docker'];
export const PACKAGE_TYPE_LABELS: Record<PackageType, string> = { pypi: 'Python', npm: 'npm', docker: 'Docker' };

export type PermissionMode = Schemas['PackageSummaryDto']['permissionMode'];

export type Membership = Schemas['MembershipDto'];
export type Me = Schemas['MeDto'];
export type Info = Schemas['InfoDto'];
export type Role = Schemas['RoleDto'];
export type Token = Schemas['TokenDto'];
/** A token as returned by create/rotate: the only time the secret is seen. */
export type TokenWithSecret = Schemas['IssuedTokenDto'];
export type PackageSummary = Schemas['PackageSummaryDto'];
export type PackageFile = Schemas['PackageFileDto'];
export type PackageVersion = Schemas['PackageVersionDto'];
export type PackageDetail = Schemas['PackageDetailDto'];
export type Member = Schemas['MemberDto'];
export type AuditEvent = Schemas['AuditEventDto'];
export type User = Schemas['UserDto'];
