import { Injectable } from '@nestjs/common';
import { Organization, PermissionDeniedError, Principal } from '@packgate/auth';
import { NotFoundError, Package, PackageAccess, PackageService, PackageTarget, ReadRoute, UpstreamGate, normalizePypiName } from '@packgate/registries/core';

export interface ReadableProject {
  org: Organization;
  pkg: Package;
}

export function pypiTarget(org: string, project: string): PackageTarget {
  return { org, type: 'pypi', name: normalizePypiName(project), label: project };
}

/**
 * PyPI projects through the core package-access step. Names do not leak: PypiExceptionFilter
 * answers an anonymous caller with the 401 challenge whether the project is private or missing, and
 * an authenticated caller without read with the same 404 as for a project that does not exist.
 */
@Injectable()
export class PypiProjectsService {
  constructor(
    private readonly packages: PackageService,
    private readonly access: PackageAccess,
    private readonly gate: UpstreamGate,
  ) {}

  /**
   * The read path with the org's upstream: the project's own rows when the org publishes it (or
   * has no upstream), else the upstream (dependency-confusion rules in the core's UpstreamGate).
   */
  route(principal: Principal, slug: string, project: string): Promise<ReadRoute> {
    return this.gate.requireRead(principal, pypiTarget(slug, project));
  }

  findOrg(slug: string): Promise<Organization | null> {
    return this.access.findOrg(slug);
  }

  async readable(principal: Principal, slug: string, project: string): Promise<ReadableProject> {
    return this.access.requireExisting(principal, pypiTarget(slug, project), 'package:read');
  }

  /** Normalised names of the org's projects this principal may read. */
  async readableNames(principal: Principal, slug: string): Promise<string[]> {
    if (principal.kind === 'anonymous') throw new PermissionDeniedError('authentication required', true);
    const org = await this.access.findOrg(slug);
    if (!org) throw new NotFoundError(`Not Found: no org ${slug}`);
    return this.access.visible(principal, slug, await this.packages.listPackages(org.id, 'pypi')).map((pkg) => pkg.normalizedName);
  }
}
