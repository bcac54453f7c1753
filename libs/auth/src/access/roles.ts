/**
 * The role vocabulary (README "Access control"), defined once. Roles are strings evaluated inside one org:
 * standard roles, plus `<type>:<package>:read|write` roles that exist for packages in `package` mode.
 */
export const PACKAGE_TYPES = ['pypi', 'npm', 'docker'] as const;
export type PackageType = (typeof PACKAGE_TYPES)[number];

export type AccessLevel = 'read' | 'write';

export const STANDARD_ROLES = [
  'dashboard',
  'api',
  'feed',
  'pypi:read',
  'pypi:write',
  'docker:read',
  'docker:write',
  'npm:read',
  'npm:write',
  'org:admin',
] as const;
export type StandardRole = (typeof STANDARD_ROLES)[number];

/** Roles a user (membership) may hold but a token never. */
export const USER_ONLY_ROLES: readonly string[] = ['dashboard', 'org:admin'];
/** Roles a token may hold but a membership never. */
export const TOKEN_ONLY_ROLES: readonly string[] = ['api', 'feed'];
/** What a new member gets when no roles are given. */
export const DEFAULT_MEMBER_ROLES: readonly string[] = ['dashboard', 'pypi:write', 'docker:write'];

export function isPackageType(value: string): value is PackageType {
  return (PACKAGE_TYPES as readonly string[]).includes(value);
}

export function isStandardRole(role: string): role is StandardRole {
  return (STANDARD_ROLES as readonly string[]).includes(role);
}

export function formatRole(type: PackageType, level: AccessLevel): string {
  return `${type}:${level}`;
}

export function packageRole(type: PackageType, packageName: string, level: AccessLevel): string {
  return `${type}:${packageName}:${level}`;
}

export interface ParsedPackageRole {
  type: PackageType;
  packageName: string;
  level: AccessLevel;
}

/** `pypi:demo-pkg:read`, `npm:@acme/lib:write`, `docker:app:read` (image `team/app` in org `team`) → parts; anything else → null. */
export function parsePackageRole(role: string): ParsedPackageRole | null {
  const first = role.indexOf(':');
  const last = role.lastIndexOf(':');
  if (first <= 0 || last === first) return null;
  const type = role.slice(0, first);
  const packageName = role.slice(first + 1, last);
  const level = role.slice(last + 1);
  if (!isPackageType(type) || packageName.length === 0 || (level !== 'read' && level !== 'write')) return null;
  return { type, packageName, level };
}

/** `write` implies `read`: the roles that satisfy a need for `level` on a format or package. */
export function rolesSatisfying(prefix: string, level: AccessLevel): string[] {
  return level === 'read' ? [`${prefix}:read`, `${prefix}:write`] : [`${prefix}:write`];
}
