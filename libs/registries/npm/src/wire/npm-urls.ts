import type { NpmName } from './npm-names';
import { tarballPath } from './npm-names';

/** `<base>/<org>/npm/`: what `registry=` in .npmrc points at. */
export function registryUrl(publicUrl: string, org: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/${encodeURIComponent(org)}/npm/`;
}

/** Absolute `dist.tarball`, on the registry's own host so npm sends the token along (docs/clients.md). */
export function tarballUrl(publicUrl: string, org: string, name: NpmName, version: string): string {
  return registryUrl(publicUrl, org) + tarballPath(name, version);
}
