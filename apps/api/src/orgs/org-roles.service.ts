import { Injectable } from '@nestjs/common';
import { PACKAGE_TYPES, Principal, STANDARD_ROLES, TOKEN_ONLY_ROLES, USER_ONLY_ROLES, packageRole } from '@packgate/auth';
import { Package, PackageAccess, PackageService } from '@packgate/registries/core';
import type { RoleDto } from './org.dto';

const DESCRIPTIONS: Record<string, string> = {
  dashboard: 'log in to the dashboard (users only)',
  api: 'call the REST API (tokens only)',
  feed: "read the org's release feed (tokens only)",
  'org:admin': 'members, everyone’s tokens, package settings (users only)',
};
for (const type of PACKAGE_TYPES) {
  DESCRIPTIONS[`${type}:read`] = `pull any ${type} package in standard mode`;
  DESCRIPTIONS[`${type}:write`] = `push (and pull) any ${type} package in standard mode`;
}

/** The roles that exist in an org: the standard ones plus those of packages in `package` mode. */
@Injectable()
export class OrgRolesService {
  constructor(
    private readonly packages: PackageService,
    private readonly access: PackageAccess,
  ) {}

  /**
   * The roles as `viewer` may see them: package-level roles only of packages it may view (a role
   * names its package), so members do not learn the names of packages hidden from them.
   */
  async listFor(orgId: number, slug: string, viewer: Principal): Promise<RoleDto[]> {
    return this.list(orgId, (pkg) => this.access.visible(viewer, slug, [pkg], 'package:view').length === 1);
  }

  async list(orgId: number, visible: (pkg: Package) => boolean = () => true): Promise<RoleDto[]> {
    const standard: RoleDto[] = STANDARD_ROLES.map((name) => ({
      name,
      kind: 'standard',
      description: DESCRIPTIONS[name],
      forUsers: !TOKEN_ONLY_ROLES.includes(name),
      forTokens: !USER_ONLY_ROLES.includes(name),
    }));
    const packageRoles: RoleDto[] = [];
    for (const pkg of await this.packages.listPackageModePackages(orgId)) {
      if (!visible(pkg)) continue;
      for (const level of ['read', 'write'] as const) {
        packageRoles.push({
          name: packageRole(pkg.type, pkg.normalizedName, level),
          kind: 'package',
          description: `${level === 'read' ? 'pull' : 'push (and pull)'} ${pkg.type} package ${pkg.name}`,
          forUsers: true,
          forTokens: true,
        });
      }
    }
    return [...standard, ...packageRoles];
  }

  async names(orgId: number): Promise<Set<string>> {
    return new Set((await this.list(orgId)).map((role) => role.name));
  }
}
