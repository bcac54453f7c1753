import { BlockList, isIP } from 'node:net';
import type { AccessRequest } from '../access/access-request';
import type { Restriction } from '../access/restriction';
import { isPackageType } from '../access/roles';
import { globMatches } from '../glob';

/**
 * First-party caveats a token holder may append offline (README "Caveats"). Each is a
 * `name=value` string; lists are comma-separated. A derived token can only narrow: every caveat
 * is an extra condition that must hold. An unknown caveat makes the whole token invalid.
 */
export const CLOCK_SKEW_SECONDS = 30;

export class CaveatError extends Error {}

export interface VerificationContext {
  /** Unix seconds, server clock. */
  now: number;
  /** Caller address as seen by the server, or undefined when unknown. */
  ip?: string;
}

export interface Caveat {
  readonly name: string;
  /** Conditions decided once per request, when the token is verified (time, address). */
  verify?(context: VerificationContext): string | null;
  /** Narrowing of the token's roles. */
  narrowRoles?(roles: ReadonlySet<string>): Set<string>;
  /** Narrowing of individual access requests. */
  restriction?(): Restriction;
}

type CaveatParser = (value: string) => Caveat;

const READ_ACTIONS = new Set<string>(['package:read', 'package:view', 'org:view', 'org:read-feed', 'org:use-api', 'org:use-dashboard']);

function parseList(name: string, value: string): string[] {
  const items = value.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  if (items.length === 0) throw new CaveatError(`caveat ${name} has an empty list`);
  return items;
}

function parseEpoch(name: string, value: string): number {
  if (!/^\d{1,12}$/.test(value)) throw new CaveatError(`caveat ${name} needs unix seconds, got "${value.slice(0, 40)}"`);
  return Number(value);
}

/** Longest name glob a `packages` caveat entry may hold, and most `*` in one. */
export const MAX_GLOB_LENGTH = 200;
export const MAX_GLOB_WILDCARDS = 10;

function checkGlob(glob: string, item: string): string {
  if (glob.length > MAX_GLOB_LENGTH) throw new CaveatError(`caveat packages pattern longer than ${MAX_GLOB_LENGTH} characters in "${item.slice(0, 80)}"`);
  let wildcards = 0;
  for (const char of glob) if (char === '*') wildcards++;
  if (wildcards > MAX_GLOB_WILDCARDS) throw new CaveatError(`caveat packages pattern has more than ${MAX_GLOB_WILDCARDS} wildcards in "${item.slice(0, 80)}"`);
  return glob;
}

class ExpiresCaveat implements Caveat {
  readonly name = 'expires';
  constructor(readonly expiresAt: number) {}
  verify({ now }: VerificationContext): string | null {
    return now - CLOCK_SKEW_SECONDS > this.expiresAt ? 'token expired (caveat expires)' : null;
  }
}

class NotBeforeCaveat implements Caveat {
  readonly name = 'not_before';
  constructor(readonly notBefore: number) {}
  verify({ now }: VerificationContext): string | null {
    return now + CLOCK_SKEW_SECONDS < this.notBefore ? 'token not valid yet (caveat not_before)' : null;
  }
}

class RolesCaveat implements Caveat {
  readonly name = 'roles';
  constructor(readonly roles: ReadonlySet<string>) {}
  narrowRoles(roles: ReadonlySet<string>): Set<string> {
    const narrowed = new Set<string>();
    for (const role of roles) {
      if (this.roles.has(role)) narrowed.add(role);
      // The caveat lists what may remain; `x:write` there also lets an `x:read` the token holds stay.
      else if (role.endsWith(':read') && this.roles.has(`${role.slice(0, -':read'.length)}:write`)) narrowed.add(role);
      else if (role.endsWith(':write')) {
        const read = `${role.slice(0, -':write'.length)}:read`;
        if (this.roles.has(read)) narrowed.add(read);
      }
    }
    return narrowed;
  }
}

class OrgsCaveat implements Caveat {
  readonly name = 'orgs';
  constructor(readonly orgs: ReadonlySet<string>) {}
  restriction(): Restriction {
    return {
      name: 'caveat orgs',
      check: (request: AccessRequest) =>
        request.resource.kind === 'installation' || this.orgs.has(request.resource.org)
          ? null
          : `org "${request.resource.org}" is not in [${[...this.orgs].join(', ')}]`,
    };
  }
}

class PackagesCaveat implements Caveat {
  readonly name = 'packages';
  private readonly patterns: { type: string; glob: string; text: string }[];
  constructor(items: string[]) {
    this.patterns = items.map((item) => {
      const colon = item.indexOf(':');
      const type = colon > 0 ? item.slice(0, colon) : '';
      if (!isPackageType(type) || colon === item.length - 1) {
        throw new CaveatError(`caveat packages entries look like type:name-glob, got "${item.slice(0, 80)}"`);
      }
      return { type, glob: checkGlob(item.slice(colon + 1).toLowerCase(), item), text: item };
    });
  }
  restriction(): Restriction {
    return {
      name: 'caveat packages',
      check: (request: AccessRequest) => {
        if (request.resource.kind !== 'package') return null;
        const { type, name } = request.resource;
        const lowered = name.toLowerCase();
        return this.patterns.some((p) => p.type === type && globMatches(p.glob, lowered))
          ? null
          : `package ${type}:${name} is not in [${this.patterns.map((p) => p.text).join(', ')}]`;
      },
    };
  }
}

class ActionsCaveat implements Caveat {
  readonly name = 'actions';
  constructor(readonly actions: ReadonlySet<string>) {
    for (const action of actions) {
      if (action !== 'read' && action !== 'write') throw new CaveatError(`caveat actions takes read,write; got "${action.slice(0, 40)}"`);
    }
  }
  restriction(): Restriction {
    return {
      name: 'caveat actions',
      check: (request: AccessRequest) => {
        const kind = READ_ACTIONS.has(request.action) ? 'read' : 'write';
        return this.actions.has(kind) ? null : `${kind} is not in [${[...this.actions].join(', ')}]`;
      },
    };
  }
}

class IpCaveat implements Caveat {
  readonly name = 'ip';
  private readonly blockList = new BlockList();
  constructor(readonly ranges: string[]) {
    for (const range of ranges) {
      const [address, prefixText] = range.split('/');
      const family = isIP(address);
      if (family === 0) throw new CaveatError(`caveat ip takes CIDR ranges, got "${range.slice(0, 60)}"`);
      const maxPrefix = family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > maxPrefix) throw new CaveatError(`caveat ip has a bad prefix in "${range.slice(0, 60)}"`);
      this.blockList.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
    }
  }
  verify({ ip }: VerificationContext): string | null {
    if (!ip) return 'caller address unknown (caveat ip)';
    const plain = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
    const family = isIP(plain) === 4 ? 'ipv4' : 'ipv6';
    return this.blockList.check(plain, family) ? null : `address ${plain} not allowed (caveat ip)`;
  }
}

const PARSERS: Record<string, CaveatParser> = {
  expires: (value) => new ExpiresCaveat(parseEpoch('expires', value)),
  not_before: (value) => new NotBeforeCaveat(parseEpoch('not_before', value)),
  roles: (value) => new RolesCaveat(new Set(parseList('roles', value))),
  orgs: (value) => new OrgsCaveat(new Set(parseList('orgs', value))),
  packages: (value) => new PackagesCaveat(parseList('packages', value)),
  actions: (value) => new ActionsCaveat(new Set(parseList('actions', value))),
  ip: (value) => new IpCaveat(parseList('ip', value)),
};

export const CAVEAT_NAMES = Object.keys(PARSERS);

export function parseCaveat(condition: string): Caveat {
  const eq = condition.indexOf('=');
  const name = eq > 0 ? condition.slice(0, eq) : condition;
  const parser = Object.prototype.hasOwnProperty.call(PARSERS, name) ? PARSERS[name] : undefined;
  if (!parser) throw new CaveatError(`unknown caveat "${name.slice(0, 40)}"`);
  return parser(condition.slice(eq + 1));
}

/**
 * True when the caveats alone confine a token to reads (an `actions` caveat, or several whose
 * intersection, without `write`). Link tokens (`?auth_token=`) must be read-only.
 */
export function caveatsLimitToReads(caveats: readonly Caveat[]): boolean {
  let allowed: Set<string> | null = null;
  for (const caveat of caveats) {
    if (!(caveat instanceof ActionsCaveat)) continue;
    const current: Set<string> = allowed ?? new Set(['read', 'write']);
    allowed = new Set([...current].filter((action) => caveat.actions.has(action)));
  }
  return allowed !== null && !allowed.has('write');
}

export interface AppliedCaveats {
  roles: Set<string>;
  restrictions: Restriction[];
}

/**
 * Applies parsed caveats: returns the refusal reason if a request-time condition fails, otherwise the
 * narrowed roles and the restrictions to hand to the evaluator.
 */
export function applyCaveats(
  caveats: readonly Caveat[],
  roles: ReadonlySet<string>,
  context: VerificationContext,
): AppliedCaveats | { refused: string } {
  let narrowed = new Set(roles);
  const restrictions: Restriction[] = [];
  for (const caveat of caveats) {
    const refusal = caveat.verify?.(context);
    if (refusal) return { refused: refusal };
    if (caveat.narrowRoles) narrowed = caveat.narrowRoles(narrowed);
    const restriction = caveat.restriction?.();
    if (restriction) restrictions.push(restriction);
  }
  return { roles: narrowed, restrictions };
}
