import type { Package } from '@packgate/registries/core';
import { highestVersion } from './npm-names';

/** What the npm module keeps in Package.metadata. */
export interface NpmPackageMetadata {
  'dist-tags': Record<string, string>;
  /** Bumped on every change; part of `_rev` and of the packument cache key. */
  rev: number;
  readme?: string;
}

export function npmMetadata(pkg: Package): NpmPackageMetadata {
  const meta = pkg.metadata as Partial<NpmPackageMetadata>;
  const tags = meta['dist-tags'] && typeof meta['dist-tags'] === 'object' ? { ...meta['dist-tags'] } : {};
  return { ...meta, 'dist-tags': tags, rev: typeof meta.rev === 'number' ? meta.rev : 0 };
}

/** Drops tags of versions that are gone; `latest` falls back to the highest remaining release. */
export function pruneDistTags(tags: Record<string, string>, versions: string[]): Record<string, string> {
  const present = new Set(versions);
  const out = Object.fromEntries(Object.entries(tags).filter(([, version]) => present.has(version)));
  if (!out.latest) {
    const latest = highestVersion(versions);
    if (latest) out.latest = latest;
  }
  return out;
}

export function revisionOf(pkg: Package): string {
  return `${npmMetadata(pkg).rev + 1}-${pkg.id.toString(16).padStart(8, '0')}`;
}
