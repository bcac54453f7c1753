/** Shapes of the REST API (design.md §5). */
export type PackageType = 'pypi' | 'npm' | 'docker';
export const PACKAGE_TYPES: readonly PackageType[] = ['pypi', 'npm', 'docker'];
export const PACKAGE_TYPE_LABELS: Record<PackageType, string> = { pypi: 'Python', npm: 'npm', docker: 'Docker' };

export type PermissionMode = 'standard' | 'package';

export interface Membership {
  org: string;
  roles: string[];
}

export interface Me {
  username: string;
  isAdmin: boolean;
  memberships: Membership[];
}

export interface Info {
  publicUrl: string;
  version: string;
}

export interface Role {
  name: string;
  kind: 'standard' | 'package';
  description?: string;
  /** May be put on a membership / on a token (absent in older servers: decided by name). */
  forUsers?: boolean;
  forTokens?: boolean;
}

export interface Token {
  id: string;
  name: string;
  roles: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  username?: string;
}

/** A token as returned by create/rotate: the only time the secret is seen. */
export interface TokenWithSecret extends Token {
  token: string;
}

export interface PackageSummary {
  type: PackageType;
  name: string;
  normalizedName: string;
  private: boolean;
  permissionMode: PermissionMode;
  versionCount: number;
  latestVersion: string | null;
  size: number;
  lastUpload: string | null;
}

export interface PackageFile {
  filename: string;
  size: number;
  sha256: string;
  createdAt: string;
}

export interface PackageVersion {
  version: string;
  createdAt: string;
  yanked: boolean;
  yankedReason: string | null;
  files: PackageFile[];
}

export interface PackageDetail extends PackageSummary {
  versions: PackageVersion[];
}

export interface Member {
  username: string;
  roles: string[];
  isAdmin?: boolean;
}

export interface AuditEvent {
  id: number | string;
  createdAt: string;
  actor: string | null;
  action: string;
  resource: string;
  result: string;
  ip: string | null;
  details: unknown;
}
