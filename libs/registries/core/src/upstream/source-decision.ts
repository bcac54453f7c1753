import { Injectable } from '@nestjs/common';
import { globMatches } from '@packgate/auth';
import type { PackageType } from '@packgate/auth';
import type { Package } from '../entities';
import { NotFoundError } from '../errors';
import { PackageService } from '../package.service';
import { UpstreamSettings, UpstreamSettingsService } from './upstream-settings.service';

/**
 * Where a name's content comes from, by the dependency-confusion rules (the same for every format):
 * - `private`: the org has a package of this name: serve only its own rows, never look upstream,
 *   never merge upstream versions. (Also a package cached from an upstream that was removed since:
 *   its `source` is `upstream`, and it is served from what was stored.)
 * - `reserved`: the name matches one of the upstream's reserved patterns and the org has not
 *   published it yet: never proxied (404 saying it is reserved).
 * - `upstream`: served from the org's upstream; `cached` is the package already stored from it.
 * - `none`: no such package and no upstream.
 */
export type SourceDecision =
  | { kind: 'private'; pkg: Package }
  | { kind: 'reserved'; pattern: string; settings: UpstreamSettings }
  | { kind: 'upstream'; settings: UpstreamSettings; cached: Package | null }
  | { kind: 'none' };

/** The reserved pattern of `settings` that `normalizedName` matches, if any. */
export function reservedPatternFor(settings: UpstreamSettings, normalizedName: string): string | undefined {
  const name = normalizedName.toLowerCase();
  return settings.reserved.find((pattern) => globMatches(pattern, name));
}

/** The rules above, given what is stored. Pure: the one place they are written down. */
export function decideSource(pkg: Package | null, settings: UpstreamSettings | null, normalizedName: string): SourceDecision {
  if (pkg && pkg.source !== 'upstream') return { kind: 'private', pkg };
  if (settings) {
    const pattern = reservedPatternFor(settings, normalizedName);
    if (pattern !== undefined) return { kind: 'reserved', pattern, settings };
    return { kind: 'upstream', settings, cached: pkg };
  }
  return pkg ? { kind: 'private', pkg } : { kind: 'none' };
}

/** 404 in every format's dialect, with a message saying why nothing is fetched. */
export class ReservedNameError extends NotFoundError {
  constructor(
    readonly label: string,
    readonly org: string,
    readonly pattern: string,
  ) {
    super(`${label} is reserved for private packages in ${org} (matches "${pattern}"); it is never fetched from the upstream`, 'RESERVED_NAME');
  }
}

/** Looks up the package and the org's upstream, then applies `decideSource`. */
@Injectable()
export class UpstreamRouter {
  constructor(
    private readonly packages: PackageService,
    private readonly settings: UpstreamSettingsService,
  ) {}

  async decide(orgId: number, type: PackageType, normalizedName: string): Promise<SourceDecision> {
    const [pkg, settings] = await Promise.all([this.packages.findPackage({ orgId, type, normalizedName }), this.settings.find(orgId, type)]);
    return decideSource(pkg, settings, normalizedName);
  }
}
