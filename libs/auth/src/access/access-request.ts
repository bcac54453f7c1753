import type { PackageType } from './roles';

export interface PackageResource {
  kind: 'package';
  org: string;
  type: PackageType;
  /** Normalized package name (PEP 503 for PyPI, the npm name, the image path after the org for Docker: `app` for `team/app`). */
  name: string;
  /** Unknown (package not created yet) counts as private, standard mode. */
  private?: boolean;
  permissionMode?: 'standard' | 'package';
  /** `upstream`: cached from (or about to be fetched from) the org's upstream registry. Default local. */
  source?: 'local' | 'upstream';
  /** The org lets anyone read content proxied from its upstreams (only counts with source upstream). */
  upstreamAnonymousReads?: boolean;
}

export interface OrgResource {
  kind: 'org';
  org: string;
}

export interface InstallationResource {
  kind: 'installation';
}

/** `package:delete` (registry deletes) needs write rights; it is its own action so restrictions such as registry token scopes can tell it from a push. */
/** `package:view` is seeing a package in the management API and dashboard: a read, but not through a registry client, so npm's tokens-only rule does not apply. */
export type PackageAction = 'package:read' | 'package:view' | 'package:write' | 'package:delete' | 'package:configure';
export type OrgAction =
  | 'org:use-api'
  | 'org:use-dashboard'
  | 'org:read-feed'
  | 'org:view'
  | 'org:manage-members'
  | 'org:manage-own-tokens'
  | 'org:manage-all-tokens'
  | 'org:manage-trusted-publishers'
  | 'org:manage-upstreams'
  | 'org:read-audit';
export type InstallationAction =
  | 'installation:use-api'
  | 'installation:manage-users'
  | 'installation:manage-orgs'
  | 'installation:issue-unexpiring-tokens'
  | 'installation:read-audit';

export type AccessRequest =
  | { action: PackageAction; resource: PackageResource }
  | { action: OrgAction; resource: OrgResource }
  | { action: InstallationAction; resource: InstallationResource };

export type Action = AccessRequest['action'];
