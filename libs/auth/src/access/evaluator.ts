import type { AccessRequest, OrgAction, PackageResource } from './access-request';
import type { Principal, TokenPrincipal, UserPrincipal } from './principal';
import {
  AccessLevel,
  PackageType,
  USER_ONLY_ROLES,
  TOKEN_ONLY_ROLES,
  formatRole,
  isStandardRole,
  packageRole,
  parsePackageRole,
  rolesSatisfying,
} from './roles';

export interface Decision {
  allowed: boolean;
  /** Why it was refused (or, when allowed, which rule allowed it). Never contains secrets. */
  reason: string;
}

const allow = (reason: string): Decision => ({ allowed: true, reason });
const deny = (reason: string): Decision => ({ allowed: false, reason });

/**
 * The one permission evaluator. Every format controller, REST service and guard asks
 * it; nothing else interprets roles. Restrictions (caveats, registry scopes) are checked first and can
 * only deny; roles decide afterwards.
 */
export function can(principal: Principal, request: AccessRequest): Decision {
  for (const restriction of principal.restrictions) {
    const refusal = restriction.check(request);
    if (refusal) return deny(`${restriction.name}: ${refusal}`);
  }
  switch (request.action) {
    case 'package:read':
      return decidePackageAccess(principal, 'read', request.resource);
    case 'package:view':
      return decidePackageAccess(principal, 'read', request.resource, { registryClient: false });
    case 'package:write':
    case 'package:delete':
      return decidePackageAccess(principal, 'write', request.resource);
    case 'package:configure':
      return hasOrgAdmin(principal, request.resource.org)
        ? allow('org:admin')
        : deny('changing package settings needs org:admin');
    case 'installation:use-api':
      return decideRestGate(principal);
    case 'installation:issue-unexpiring-tokens':
      if (principal.kind === 'token') return principal.creatorIsAdmin ? allow('token of an installation admin') : deny('only installation admins may create tokens that never expire');
      return principal.kind === 'user' && principal.isAdmin ? allow('installation admin') : deny('only installation admins may create tokens that never expire');
    case 'installation:manage-users':
    case 'installation:manage-orgs':
      return principal.kind === 'user' && principal.isAdmin
        ? allow('installation admin')
        : deny('only an installation admin may do this');
    case 'installation:read-audit':
      // Logins, users and passwords of the whole installation: an installation admin in the dashboard.
      return principal.kind === 'user' && principal.isAdmin && principal.via === 'session'
        ? allow('installation admin session')
        : deny('only an installation admin, signed in to the dashboard, may read installation events');
    default:
      return decideOrgAction(principal, request.action, request.resource.org);
  }
}

/**
 * The roles a principal effectively holds in an org: a token's roles capped by what its creator may
 * grant now, and nothing at all once the creator is no longer a member (not even `api`).
 */
export function effectiveRoles(principal: Principal, org: string): ReadonlySet<string> {
  if (principal.kind === 'user') return principal.memberships.get(org) ?? new Set();
  if (principal.kind === 'token') {
    if (principal.org !== org || !principal.creatorIsMember) return new Set();
    const granted = new Set<string>();
    for (const role of principal.tokenRoles) {
      if (canCreatorGrant(principal.creatorRoles, role)) granted.add(role);
    }
    return granted;
  }
  return new Set();
}

/**
 * May a user holding `creatorRoles` put `role` on a token? `api` and `feed` always; user-only roles
 * never; everything else only if held (write implies read, org:admin holds every role of the org).
 */
export function canCreatorGrant(creatorRoles: ReadonlySet<string>, role: string): boolean {
  if (USER_ONLY_ROLES.includes(role)) return false;
  if (TOKEN_ONLY_ROLES.includes(role)) return true;
  if (creatorRoles.has('org:admin')) return true;
  if (creatorRoles.has(role)) return true;
  if (role.endsWith(':read')) return creatorRoles.has(`${role.slice(0, -':read'.length)}:write`);
  return false;
}

/** May this role be held by a user membership (as opposed to only by tokens)? */
export function isMembershipRole(role: string): boolean {
  return !TOKEN_ONLY_ROLES.includes(role) && (isStandardRole(role) || parsePackageRole(role) !== null);
}

/** Formats whose registry clients authenticate with access tokens only, and what a password gets there. */
const TOKENS_ONLY_FORMATS: Partial<Record<PackageType, string>> = {
  npm: 'npm needs an access token: user name and password (Basic auth, _auth or _password in .npmrc) are not accepted by the npm registry',
};

/**
 * Why a format's registry routes refuse user credentials (Basic user:password), or undefined when
 * they take them. The auth group uses it to refuse before any password check; decidePackageAccess
 * applies the same rule to a user principal.
 */
export function userCredentialsRefusal(type: PackageType): string | undefined {
  return TOKENS_ONLY_FORMATS[type];
}

/** Users reach REST through a dashboard session, tokens through role `api`. */
function decideRestGate(principal: Principal): Decision {
  if (principal.kind === 'anonymous') return deny('authentication required');
  if (principal.kind === 'user') {
    return principal.via === 'session' ? allow('session') : deny('the REST API takes a dashboard session or an access token with role api');
  }
  return effectiveRoles(principal, principal.org).has('api') ? allow('api') : deny('needs role api');
}

function hasOrgAdmin(principal: Principal, org: string): boolean {
  return principal.kind === 'user' && (principal.memberships.get(org)?.has('org:admin') ?? false);
}

function isMember(principal: UserPrincipal, org: string): boolean {
  return principal.memberships.has(org);
}

function decidePackageAccess(principal: Principal, level: AccessLevel, pkg: PackageResource, { registryClient = true } = {}): Decision {
  if (level === 'read' && pkg.private === false) return allow('public package');
  if (level === 'read' && pkg.source === 'upstream' && pkg.upstreamAnonymousReads === true) return allow('proxied package, org allows anonymous reads of proxied content');
  if (principal.kind === 'anonymous') return deny('authentication required');
  if (principal.kind === 'token' && principal.org !== pkg.org) {
    return deny(`token belongs to org "${principal.org}", not "${pkg.org}"`);
  }
  if (principal.kind === 'user' && !isMember(principal, pkg.org)) return deny(`not a member of org "${pkg.org}"`);
  if (registryClient && principal.kind === 'user' && userCredentialsRefusal(pkg.type)) {
    return deny(`${pkg.type} accepts access tokens only, not user credentials`);
  }
  const roles = effectiveRoles(principal, pkg.org);
  if (roles.has('org:admin')) return allow('org:admin');
  const needed =
    pkg.permissionMode === 'package'
      ? rolesSatisfying(`${pkg.type}:${pkg.name}`, level)
      : rolesSatisfying(pkg.type, level);
  const held = needed.find((role) => roles.has(role));
  if (held) return allow(held);
  const wanted = pkg.permissionMode === 'package' ? packageRole(pkg.type, pkg.name, level) : formatRole(pkg.type, level);
  return deny(`needs role ${wanted}`);
}

function decideOrgAction(principal: Principal, action: OrgAction, org: string): Decision {
  if (principal.kind === 'anonymous') return deny('authentication required');
  if (principal.kind === 'token') return decideOrgActionForToken(principal, action, org);
  return decideOrgActionForUser(principal, action, org);
}

function decideOrgActionForUser(user: UserPrincipal, action: OrgAction, org: string): Decision {
  const roles = user.memberships.get(org);
  const adminOfInstallation = user.isAdmin;
  switch (action) {
    case 'org:use-api':
      if (user.via !== 'session') return deny('the REST API takes a dashboard session or an access token with role api');
      return roles || adminOfInstallation ? allow('session') : deny(`not a member of org "${org}"`);
    case 'org:use-dashboard':
      return roles?.has('dashboard') ? allow('dashboard') : deny('needs role dashboard');
    case 'org:view':
    case 'org:manage-own-tokens':
    case 'org:read-feed':
      return roles ? allow('member') : deny(`not a member of org "${org}"`);
    case 'org:manage-members':
      if (adminOfInstallation) return allow('installation admin');
      return roles?.has('org:admin') ? allow('org:admin') : deny('needs role org:admin');
    case 'org:manage-all-tokens':
    case 'org:manage-trusted-publishers':
    case 'org:manage-upstreams':
    case 'org:read-audit':
      return roles?.has('org:admin') ? allow('org:admin') : deny('needs role org:admin');
  }
}

function decideOrgActionForToken(token: TokenPrincipal, action: OrgAction, org: string): Decision {
  if (token.org !== org) return deny(`token belongs to org "${token.org}", not "${org}"`);
  const roles = effectiveRoles(token, org);
  switch (action) {
    case 'org:use-api':
    case 'org:view':
    case 'org:manage-own-tokens':
      return roles.has('api') ? allow('api') : deny('needs role api');
    case 'org:read-feed':
      return roles.has('feed') ? allow('feed') : deny('needs role feed');
    case 'org:use-dashboard':
      return deny('tokens cannot use the dashboard');
    case 'org:manage-members':
      return deny('tokens never manage users');
    case 'org:manage-all-tokens':
    case 'org:manage-trusted-publishers':
    case 'org:manage-upstreams':
    case 'org:read-audit':
      return deny('needs a user with org:admin');
  }
}
