import { useEffect, useState } from 'react';
import { PACKAGE_TYPES, type PackageType } from './api/types';

/**
 * Hash routes, so the server only has to answer `/`:
 *   #/orgs/{org}/tokens · #/orgs/{org}/packages/{type} · #/orgs/{org}/packages/{type}/{name}
 *   #/orgs/{org}/members · #/orgs/{org}/audit · #/orgs/{org}/password · #/orgs/{org}/trusted-publishers
 *   #/orgs/{org}/upstreams
 */
export type Route =
  | { page: 'home' }
  | { page: 'tokens'; org: string }
  | { page: 'packages'; org: string; type: PackageType }
  | { page: 'package'; org: string; type: PackageType; name: string }
  | { page: 'members'; org: string }
  | { page: 'audit'; org: string }
  | { page: 'password'; org: string }
  | { page: 'trusted-publishers'; org: string }
  | { page: 'upstreams'; org: string };

const asType = (value: string | undefined): PackageType => (PACKAGE_TYPES.includes(value as PackageType) ? (value as PackageType) : 'pypi');

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decode);
  if (parts[0] !== 'orgs' || !parts[1]) return { page: 'home' };
  const org = parts[1];
  switch (parts[2]) {
    case 'tokens':
      return { page: 'tokens', org };
    case 'packages':
      return parts[4] ? { page: 'package', org, type: asType(parts[3]), name: parts[4] } : { page: 'packages', org, type: asType(parts[3]) };
    case 'members':
      return { page: 'members', org };
    case 'audit':
      return { page: 'audit', org };
    case 'password':
      return { page: 'password', org };
    case 'trusted-publishers':
      return { page: 'trusted-publishers', org };
    case 'upstreams':
      return { page: 'upstreams', org };
    default:
      return { page: 'tokens', org };
  }
}

const enc = encodeURIComponent;
export const paths = {
  tokens: (org: string) => `#/orgs/${enc(org)}/tokens`,
  packages: (org: string, type: PackageType) => `#/orgs/${enc(org)}/packages/${type}`,
  package: (org: string, type: PackageType, name: string) => `#/orgs/${enc(org)}/packages/${type}/${enc(name)}`,
  members: (org: string) => `#/orgs/${enc(org)}/members`,
  audit: (org: string) => `#/orgs/${enc(org)}/audit`,
  password: (org: string) => `#/orgs/${enc(org)}/password`,
  trustedPublishers: (org: string) => `#/orgs/${enc(org)}/trusted-publishers`,
  upstreams: (org: string) => `#/orgs/${enc(org)}/upstreams`,
};

/** The same screen in another org (used by the org switcher). */
export function sameScreenIn(route: Route, org: string): string {
  switch (route.page) {
    case 'packages':
    case 'package':
      return paths.packages(org, route.type);
    case 'members':
      return paths.members(org);
    case 'audit':
      return paths.audit(org);
    case 'password':
      return paths.password(org);
    case 'trusted-publishers':
      return paths.trustedPublishers(org);
    case 'upstreams':
      return paths.upstreams(org);
    default:
      return paths.tokens(org);
  }
}

export function navigate(hash: string): void {
  window.location.hash = hash;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', update);
    update();
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
