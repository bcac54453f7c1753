/**
 * Builds package documents (packuments) from stored rows (pure). Shapes follow the npm registry
 * docs (https://github.com/npm/registry/blob/main/docs/responses/package-metadata.md):
 * the full document (`application/json`) and the abbreviated "corgi" one
 * (`application/vnd.npm.install-v1+json`) that keeps only what installs need.
 */
export interface StoredVersion {
  version: string;
  /** The manifest as published, plus `deprecated` when set. */
  manifest: Record<string, unknown>;
  createdAt: Date;
  tarball: { url: string; integrity?: string; shasum?: string } | null;
}

export interface PackumentInput {
  name: string;
  rev: string;
  distTags: Record<string, string>;
  readme?: string;
  created: Date;
  modified: Date;
  versions: StoredVersion[];
}

export type Packument = Record<string, unknown> & { versions: Record<string, Record<string, unknown>>; 'dist-tags': Record<string, string> };

/** Top-level fields copied from the `latest` manifest, as npmjs shows them. */
const TOP_LEVEL_FROM_LATEST = ['description', 'homepage', 'keywords', 'repository', 'author', 'bugs', 'license', 'maintainers'] as const;

/** Version fields of the abbreviated document (npm registry docs, pacote). */
const ABBREVIATED_VERSION_FIELDS = [
  'name',
  'version',
  'dependencies',
  'optionalDependencies',
  'devDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'bundleDependencies',
  'bundledDependencies',
  'acceptDependencies',
  'bin',
  'directories',
  'dist',
  'engines',
  'os',
  'cpu',
  'funding',
  'deprecated',
  'license',
  '_hasShrinkwrap',
  'hasInstallScript',
] as const;

export function buildPackument(input: PackumentInput): Packument {
  const versions: Record<string, Record<string, unknown>> = {};
  const time: Record<string, string> = { created: input.created.toISOString(), modified: input.modified.toISOString() };
  for (const stored of input.versions) {
    const dist = { ...((stored.manifest.dist as Record<string, unknown> | undefined) ?? {}) };
    if (stored.tarball) {
      dist.tarball = stored.tarball.url;
      if (stored.tarball.integrity) dist.integrity = stored.tarball.integrity;
      if (stored.tarball.shasum) dist.shasum = stored.tarball.shasum;
    }
    // The readme is served once at the top (as registry.npmjs.org does), not in every version.
    const { readme: _readme, readmeFilename: _readmeFilename, ...manifest } = stored.manifest;
    versions[stored.version] = { ...manifest, name: input.name, version: stored.version, _id: `${input.name}@${stored.version}`, dist };
    time[stored.version] = stored.createdAt.toISOString();
  }
  const distTags = Object.fromEntries(Object.entries(input.distTags).filter(([, version]) => version in versions));
  const latestVersion = distTags.latest ?? input.versions[input.versions.length - 1]?.version ?? '';
  const latest = versions[latestVersion];
  const latestReadme = input.versions.find((v) => v.version === latestVersion)?.manifest.readme;
  const doc: Packument = { _id: input.name, _rev: input.rev, name: input.name, 'dist-tags': distTags, versions, time };
  for (const field of TOP_LEVEL_FROM_LATEST) if (latest?.[field] !== undefined) doc[field] = latest[field];
  doc.readme = input.readme ?? (typeof latestReadme === 'string' ? latestReadme : '');
  return doc;
}

export function abbreviatePackument(full: Packument): Packument {
  const versions: Record<string, Record<string, unknown>> = {};
  for (const [version, manifest] of Object.entries(full.versions)) {
    const short: Record<string, unknown> = {};
    for (const field of ABBREVIATED_VERSION_FIELDS) if (manifest[field] !== undefined) short[field] = manifest[field];
    if (manifest.scripts && typeof manifest.scripts === 'object' && short.hasInstallScript === undefined) {
      const scripts = manifest.scripts as Record<string, unknown>;
      if (scripts.install || scripts.preinstall || scripts.postinstall) short.hasInstallScript = true;
    }
    versions[version] = short;
  }
  return { name: full.name, modified: (full.time as Record<string, string>).modified, 'dist-tags': full['dist-tags'], versions };
}

/** `Accept` asks for the corgi form (npm sends it with q=1.0 first). */
export function wantsAbbreviated(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('application/vnd.npm.install-v1+json');
}
