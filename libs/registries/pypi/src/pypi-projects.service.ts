import { Injectable } from '@nestjs/common';
import { AccessService, IdentityService, Organization, PackageResource, PermissionDeniedError, Principal } from '@packgate/auth';
import { NotFoundError, Package, PackageService, normalizePypiName } from '@packgate/registries/core';

export interface ReadableProject {
  org: Organization;
  pkg: Package;
}

export function pypiResource(org: string, normalizedName: string, pkg?: Package | null): PackageResource {
  return { kind: 'package', org, type: 'pypi', name: normalizedName, private: pkg?.private, permissionMode: pkg?.permissionMode };
}

/**
 * Finds a project for a read through the evaluator. Names do not leak: an anonymous caller gets the
 * 401 challenge whether the project is private or missing; an authenticated caller without read
 * gets the same 404 as for a project that does not exist.
 */
@Injectable()
export class PypiProjectsService {
  constructor(
    private readonly identity: IdentityService,
    private readonly packages: PackageService,
    private readonly access: AccessService,
  ) {}

  findOrg(slug: string): Promise<Organization | null> {
    return this.identity.findOrg(slug);
  }

  async readable(principal: Principal, slug: string, project: string): Promise<ReadableProject> {
    const normalized = normalizePypiName(project);
    const org = await this.identity.findOrg(slug);
    const pkg = org ? await this.packages.findPackage({ orgId: org.id, type: 'pypi', normalizedName: normalized }) : null;
    if (org && pkg && this.access.can(principal, { action: 'package:read', resource: pypiResource(slug, normalized, pkg) }).allowed) return { org, pkg };
    if (principal.kind === 'anonymous') throw new PermissionDeniedError('authentication required', true);
    throw new NotFoundError(`Not Found: no project ${normalized} you may read in ${slug}`);
  }

  /** Normalised names of the org's projects this principal may read. */
  async readableNames(principal: Principal, slug: string): Promise<string[]> {
    if (principal.kind === 'anonymous') throw new PermissionDeniedError('authentication required', true);
    const org = await this.identity.findOrg(slug);
    if (!org) throw new NotFoundError(`Not Found: no org ${slug}`);
    const all = await this.packages.listPackages(org.id, 'pypi');
    return all.filter((pkg) => this.access.can(principal, { action: 'package:read', resource: pypiResource(slug, pkg.normalizedName, pkg) }).allowed).map((pkg) => pkg.normalizedName);
  }
}
