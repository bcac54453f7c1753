import { Injectable } from '@nestjs/common';
import { AccessService, IdentityService, Organization, PackageResource, PermissionDeniedError, Principal } from '@packgate/auth';
import { InvalidInputError, NotFoundError, Package, PackageService, normalizePackageName } from '@packgate/registries/core';
import { NpmName, parseNpmName } from './npm-names';

export interface NpmTarget {
  org: Organization;
  name: NpmName;
  pkg: Package | null;
}

/**
 * Resolves `{org}` and a package name and asks the one evaluator. Decides 401 vs 403 vs 404 once
 * for the whole npm module:
 * - no token, and the package is private or unknown → 401 (PermissionDeniedError, anonymous);
 * - a token that may not read the package → 404, so private names do not leak;
 * - a token that may read but not write → 403 with the evaluator's reason.
 */
@Injectable()
export class NpmAccessService {
  constructor(
    private readonly identity: IdentityService,
    private readonly packages: PackageService,
    private readonly access: AccessService,
  ) {}

  async org(slug: string): Promise<Organization> {
    const org = await this.identity.findOrg(slug);
    if (!org) throw new NotFoundError(`no npm registry at /${slug.slice(0, 64)}/npm/`);
    return org;
  }

  name(text: string): NpmName {
    const name = parseNpmName(text);
    if (!name) throw new InvalidInputError(`invalid package name "${text.slice(0, 100)}"`, 'INVALID_NAME');
    return name;
  }

  resource(slug: string, name: NpmName, pkg: Package | null): PackageResource {
    return { kind: 'package', org: slug, type: 'npm', name: pkg?.normalizedName ?? normalizePackageName('npm', name.full), private: pkg?.private ?? true, permissionMode: pkg?.permissionMode ?? 'standard' };
  }

  mayRead(principal: Principal, slug: string, pkg: Package): boolean {
    const resource: PackageResource = { kind: 'package', org: slug, type: 'npm', name: pkg.normalizedName, private: pkg.private, permissionMode: pkg.permissionMode };
    return this.access.can(principal, { action: 'package:read', resource }).allowed;
  }

  /** A package the caller may read (it must exist). */
  async readable(principal: Principal, slug: string, nameText: string): Promise<NpmTarget & { pkg: Package }> {
    const org = await this.org(slug);
    const name = this.name(nameText);
    const pkg = await this.packages.findPackage({ orgId: org.id, type: 'npm', normalizedName: normalizePackageName('npm', name.full) });
    const decision = pkg ? this.access.can(principal, { action: 'package:read', resource: this.resource(slug, name, pkg) }) : { allowed: false, reason: 'not found' };
    if (!pkg || !decision.allowed) {
      if (principal.kind === 'anonymous') throw new PermissionDeniedError(decision.reason, true);
      throw notFound(name);
    }
    return { org, name, pkg };
  }

  /** A package (existing or about to be created by a publish) the caller may write. */
  async writable(principal: Principal, slug: string, nameText: string): Promise<NpmTarget> {
    const org = await this.org(slug);
    const name = this.name(nameText);
    const pkg = await this.packages.findPackage({ orgId: org.id, type: 'npm', normalizedName: normalizePackageName('npm', name.full) });
    const resource = this.resource(slug, name, pkg);
    if (pkg && principal.kind !== 'anonymous' && !this.access.can(principal, { action: 'package:read', resource }).allowed) throw notFound(name);
    this.access.assert(principal, { action: 'package:write', resource });
    return { org, name, pkg };
  }

  /** Like `writable`, for changes to a package that must exist already. */
  async existingWritable(principal: Principal, slug: string, nameText: string): Promise<NpmTarget & { pkg: Package }> {
    const target = await this.writable(principal, slug, nameText);
    if (!target.pkg) throw notFound(target.name);
    return target as NpmTarget & { pkg: Package };
  }
}

export function notFound(name: NpmName): NotFoundError {
  return new NotFoundError(`package ${name.full} not found`);
}
