import { SetMetadata } from '@nestjs/common';
import type { InstallationAction, OrgAction } from '../access/access-request';

export const REQUIRE_ACCESS = 'packgate:require-access';
export const REST_API = 'packgate:rest-api';

export type RequiredAccess = { scope: 'org'; action: OrgAction; param: string } | { scope: 'installation'; action: InstallationAction };

/**
 * Marks a REST controller: every route first needs the REST gate (a dashboard session, or a token
 * with role `api`), on the route's org when it has an `org` parameter.
 */
export const RestApi = () => SetMetadata(REST_API, true);

/** The route needs `action` on the org named by route parameter `param` (default `org`). */
export const RequireOrgAccess = (action: OrgAction, param = 'org') => SetMetadata(REQUIRE_ACCESS, { scope: 'org', action, param } satisfies RequiredAccess);

/** The route needs an installation-level action (installation admins only). */
export const RequireInstallationAccess = (action: InstallationAction) =>
  SetMetadata(REQUIRE_ACCESS, { scope: 'installation', action } satisfies RequiredAccess);
