import { Injectable } from '@nestjs/common';
import type { Organization, PackageAction, Principal } from '@packgate/auth';
import { PackageAccess } from '../access/package-access.service';
import { PackageRefusal, PackageTarget } from '../access/package-refusal';
import type { Package } from '../entities';
import { ReservedNameError, UpstreamRouter } from './source-decision';
import { UpstreamSettings, UpstreamSettingsService } from './upstream-settings.service';

/** Where a read is served from, once access is granted. */
export type ReadRoute =
  | { kind: 'local'; org: Organization; pkg: Package }
  | { kind: 'upstream'; org: Organization; settings: UpstreamSettings; pkg: Package | null };

/**
 * The read path of every format with an upstream: the confusion rules (UpstreamRouter), then the
 * package-access step with the right resource, so a proxied name needs the format's read role
 * (or the org's anonymous-reads switch) exactly like a private package.
 */
@Injectable()
export class UpstreamGate {
  constructor(
    private readonly access: PackageAccess,
    private readonly router: UpstreamRouter,
    private readonly settings: UpstreamSettingsService,
  ) {}

  /**
   * Throws PackageRefusal (401/404/403 by the format's filter) or ReservedNameError (404 naming the
   * reserved pattern; only to callers who could read a package of that name).
   */
  async requireRead(principal: Principal, target: PackageTarget, { action = 'package:read', hide = true }: { action?: PackageAction; hide?: boolean } = {}): Promise<ReadRoute> {
    const org = await this.access.findOrg(target.org);
    if (!org) throw new PackageRefusal('not-visible', `no organization "${target.org}"`, target, principal.kind === 'anonymous', 'org');
    const decision = await this.router.decide(org.id, target.type, target.name);
    switch (decision.kind) {
      case 'private': {
        const upstreamAnonymousReads = decision.pkg.source === 'upstream' ? await this.settings.anonymousReads(org.id) : false;
        this.access.check(principal, target, decision.pkg, action, { hide, upstreamAnonymousReads });
        return { kind: 'local', org, pkg: decision.pkg };
      }
      case 'reserved':
        this.access.check(principal, target, null, action, { hide, upstream: true, upstreamAnonymousReads: false });
        throw new ReservedNameError(target.label ?? target.name, org.slug, decision.pattern);
      case 'upstream': {
        const upstreamAnonymousReads = await this.settings.anonymousReads(org.id);
        this.access.check(principal, target, decision.cached, action, { hide, upstream: true, upstreamAnonymousReads });
        return { kind: 'upstream', org, settings: decision.settings, pkg: decision.cached };
      }
      case 'none':
        this.access.check(principal, target, null, action, { hide });
        // check refuses a missing package for reads; a write action reaching here has no package.
        throw new PackageRefusal('not-visible', 'not found', target, principal.kind === 'anonymous', 'package');
    }
  }
}
