import { Injectable } from '@nestjs/common';
import { Organization, Principal } from '@packgate/auth';
import { InvalidInputError, NotFoundError, Package, PackageAccess, PackageTarget, ReadRoute, UpstreamGate, normalizePackageName, sourceConflict } from '@packgate/registries/core';
import { NpmName, parseNpmName } from '../wire/npm-names';

export interface NpmTarget {
  org: Organization;
  name: NpmName;
  pkg: Package | null;
}

/**
 * npm names on top of the core package-access step (PackageAccess): parses the name, then lets the
 * step resolve the org and package and refuse. NpmExceptionFilter maps a refusal: unauthenticated →
 * 401, not-visible → 404 (private names do not leak), denied → 403 with the evaluator's reason.
 */
@Injectable()
export class NpmAccessService {
  constructor(
    private readonly packages: PackageAccess,
    private readonly upstream: UpstreamGate,
  ) {}

  async org(slug: string): Promise<Organization> {
    const org = await this.packages.findOrg(slug);
    if (!org) throw new NotFoundError(`no npm registry at /${slug.slice(0, 64)}/npm/`);
    return org;
  }

  name(text: string): NpmName {
    const name = parseNpmName(text);
    if (!name) throw new InvalidInputError(`invalid package name "${text.slice(0, 100)}"`, 'INVALID_NAME');
    return name;
  }

  target(slug: string, name: NpmName): PackageTarget {
    return { org: slug, type: 'npm', name: normalizePackageName('npm', name.full), label: name.full };
  }

  /** The packages of a listing the caller may read. */
  readableOf(principal: Principal, slug: string, pkgs: readonly Package[]): Package[] {
    return this.packages.visible(principal, slug, pkgs);
  }

  /** A package the caller may read (it must exist). */
  async readable(principal: Principal, slug: string, nameText: string): Promise<NpmTarget & { pkg: Package }> {
    const name = this.name(nameText);
    const { org, pkg } = await this.packages.requireExisting(principal, this.target(slug, name), 'package:read');
    return { org, name, pkg };
  }

  /**
   * Where a read is served from, by the dependency-confusion rules (core UpstreamGate): the org's own
   * package, or the org's upstream (a name the org does not publish). Reserved names are refused.
   */
  async readRoute(principal: Principal, slug: string, nameText: string): Promise<ReadRoute & { name: NpmName }> {
    const name = this.name(nameText);
    return { ...(await this.upstream.requireRead(principal, this.target(slug, name))), name };
  }

  /**
   * A package (existing or about to be created by a publish) the caller may write. Writes never
   * reach the upstream: a package cached from it is refused (409) until an org admin deletes it.
   */
  async writable(principal: Principal, slug: string, nameText: string): Promise<NpmTarget> {
    const name = this.name(nameText);
    const { org, pkg } = await this.packages.require(principal, this.target(slug, name), 'package:write');
    refuseUpstreamCache(pkg);
    return { org, name, pkg };
  }

  /** Like `writable`, for changes to a package that must exist already. */
  async existingWritable(principal: Principal, slug: string, nameText: string): Promise<NpmTarget & { pkg: Package }> {
    const name = this.name(nameText);
    const { org, pkg } = await this.packages.requireExisting(principal, this.target(slug, name), 'package:write');
    refuseUpstreamCache(pkg);
    return { org, name, pkg };
  }
}

function refuseUpstreamCache(pkg: Package | null): void {
  const conflict = pkg && sourceConflict(pkg, 'local');
  if (conflict) throw conflict;
}
