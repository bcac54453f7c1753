import { Injectable } from '@nestjs/common';
import { AccessService, Decision, IdentityService, Organization, PackageAction, PackageResource, Principal } from '@packgate/auth';
import type { Package } from '../entities';
import { PackageService } from '../package.service';
import { UpstreamSettingsService } from '../upstream/upstream-settings.service';
import { PackageRefusal, PackageTarget } from './package-refusal';

export interface ResolvedPackage {
  org: Organization;
  /** Null when the package does not exist yet (a first publish or push creates it). */
  pkg: Package | null;
}

export interface PackageAccessOptions {
  /**
   * A caller with credentials who may not read the package gets `not-visible` (404) rather than
   * `denied` (403), whatever the action. Docker answers DENIED instead, as distribution does.
   * Default true.
   */
  hide?: boolean;
  /** The package must exist. Default: true for reads, false for writes (a publish creates it). */
  existing?: boolean;
  /**
   * For content from the org's upstream (an uncached upstream name, or a package with source
   * `upstream`): whether the org lets anyone read it. `require` fills it in itself.
   */
  upstreamAnonymousReads?: boolean;
  /** Treat a missing package as one about to be fetched from the upstream (source `upstream`). */
  upstream?: boolean;
}

const READS: readonly PackageAction[] = ['package:read', 'package:view'];

export function packageResource(target: PackageTarget, pkg: Package | null, upstream: { upstream?: boolean; upstreamAnonymousReads?: boolean } = {}): PackageResource {
  const source = pkg ? pkg.source : upstream.upstream ? 'upstream' : undefined;
  return {
    kind: 'package',
    org: target.org,
    type: target.type,
    name: pkg?.normalizedName ?? target.name,
    private: pkg?.private,
    permissionMode: pkg?.permissionMode,
    ...(source === 'upstream' ? { source, upstreamAnonymousReads: upstream.upstreamAnonymousReads ?? false } : {}),
  };
}

/**
 * The one package-access step of every format and the REST API: resolves the org and the package
 * once, asks the evaluator, and either returns them or throws one PackageRefusal. Which rule allows
 * what stays in the evaluator; this only decides which refusal a caller sees:
 * - anonymous and refused → `unauthenticated`;
 * - the package is missing (when it must exist), or a caller with credentials may not read it → `not-visible`;
 * - may read it, not do the action → `denied`.
 */
@Injectable()
export class PackageAccess {
  constructor(
    private readonly identity: IdentityService,
    private readonly packages: PackageService,
    private readonly access: AccessService,
    private readonly upstreams: UpstreamSettingsService,
  ) {}

  findOrg(slug: string): Promise<Organization | null> {
    return this.identity.findOrg(slug);
  }

  async resolve(target: PackageTarget): Promise<{ org: Organization | null; pkg: Package | null }> {
    const org = await this.identity.findOrg(target.org);
    const pkg = org ? await this.packages.findPackage({ orgId: org.id, type: target.type, normalizedName: target.name }) : null;
    return { org, pkg };
  }

  /** Resolves, then `check`s; returns the org and package the handler works on. */
  async require(principal: Principal, target: PackageTarget, action: PackageAction, options: PackageAccessOptions = {}): Promise<ResolvedPackage> {
    const { org, pkg } = await this.resolve(target);
    if (!org) throw new PackageRefusal('not-visible', `no organization "${target.org}"`, target, principal.kind === 'anonymous', 'org');
    const proxied = pkg ? pkg.source === 'upstream' : options.upstream === true;
    const upstreamAnonymousReads = options.upstreamAnonymousReads ?? (proxied ? await this.upstreams.anonymousReads(org.id) : false);
    this.check(principal, target, pkg, action, { ...options, upstreamAnonymousReads });
    return { org, pkg };
  }

  /** Like `require`, for a package that must exist: the result's `pkg` is not null. */
  async requireExisting(principal: Principal, target: PackageTarget, action: PackageAction, options: Omit<PackageAccessOptions, 'existing'> = {}): Promise<ResolvedPackage & { pkg: Package }> {
    return (await this.require(principal, target, action, { ...options, existing: true })) as ResolvedPackage & { pkg: Package };
  }

  /** The step for an org and package already resolved (Docker resolves its repository itself). */
  check(principal: Principal, target: PackageTarget, pkg: Package | null, action: PackageAction, { hide = true, existing, upstream, upstreamAnonymousReads }: PackageAccessOptions = {}): void {
    const anonymous = principal.kind === 'anonymous';
    const read = READS.includes(action);
    const refuse = (kind: PackageRefusal['kind'], reason: string, missing: 'package' | null = null) => new PackageRefusal(kind, reason, target, anonymous, missing);
    if (!pkg && !upstream && (existing ?? read)) throw refuse(anonymous ? 'unauthenticated' : 'not-visible', 'not found', 'package');
    const resource = packageResource(target, pkg, { upstream, upstreamAnonymousReads });
    if (hide && pkg && !anonymous && !read) {
      const readAction = action === 'package:configure' ? 'package:view' : 'package:read';
      const decision = this.access.can(principal, { action: readAction, resource });
      if (!decision.allowed) throw refuse('not-visible', decision.reason);
    }
    const decision = this.access.can(principal, { action, resource });
    if (decision.allowed) return;
    if (anonymous) throw refuse('unauthenticated', decision.reason);
    throw refuse(hide && read ? 'not-visible' : 'denied', decision.reason);
  }

  /** The evaluator's answer without throwing (listings, token scopes). */
  decide(principal: Principal, target: PackageTarget, pkg: Package | null, action: PackageAction): Decision {
    return this.access.can(principal, { action, resource: packageResource(target, pkg) });
  }

  /** Packages of a listing the principal may see. */
  visible(principal: Principal, org: string, pkgs: readonly Package[], action: 'package:read' | 'package:view' = 'package:read'): Package[] {
    return pkgs.filter((pkg) => this.decide(principal, { org, type: pkg.type, name: pkg.normalizedName }, pkg, action).allowed);
  }
}
