import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { TtlCache, type Principal } from '@packgate/auth';
import { NotFoundError, Package, PackageService, UpstreamError } from '@packgate/registries/core';
import { NpmAccessService } from './npm-access.service';
import { NPM_OPTIONS, NpmOptions } from '../npm-options';
import { NpmName, parseNpmName } from '../wire/npm-names';
import { tarballUrl } from '../wire/npm-urls';
import { Packument, StoredVersion, abbreviatePackument, buildPackument } from '../wire/packument';
import { npmMetadata, pruneDistTags, revisionOf } from '../wire/package-metadata';
import { NpmUpstreamService } from '../upstream/npm-upstream.service';

export interface RenderedPackument {
  body: string;
  etag: string;
  /** An upstream document served expired because the upstream failed (answer with `Warning`). */
  stale?: boolean;
}

interface CacheEntry {
  stamp: string;
  full: RenderedPackument;
  abbreviated: RenderedPackument;
}

/** Rendered packuments kept: at most this many packages and this many bytes (UTF-16 estimate). */
const CACHE_ENTRIES = 2000;
const CACHE_BYTES = 32 * 1024 * 1024;

/**
 * Packuments from stored rows. Rendered JSON is cached per package and dropped when the package's
 * revision (bumped by every npm change), update time or public URL changes; the access check still
 * runs on every request against a fresh package row.
 */
@Injectable()
export class PackumentService {
  private readonly cache = new TtlCache<number, CacheEntry>(Infinity, {
    maxEntries: CACHE_ENTRIES,
    maxBytes: CACHE_BYTES,
    maxEntryBytes: CACHE_BYTES / 4,
    sizeOf: (entry) => 2 * (entry.stamp.length + entry.full.body.length + entry.abbreviated.body.length),
  });

  constructor(
    private readonly access: NpmAccessService,
    private readonly packages: PackageService,
    private readonly upstream: NpmUpstreamService,
    @Inject(NPM_OPTIONS) private readonly options: NpmOptions,
  ) {}

  /** The org's own package, or (for a name it does not publish) the document of its npm upstream. */
  async render(principal: Principal, slug: string, nameText: string, abbreviated: boolean, { localOnly = false }: { localOnly?: boolean } = {}): Promise<RenderedPackument> {
    const route = await this.access.readRoute(principal, slug, nameText);
    if (route.kind === 'local') return this.renderStored(slug, route.pkg, abbreviated);
    if (localOnly) throw new NotFoundError(`${route.name.full} is not published in this org`);
    try {
      return await this.upstream.render(route.settings, slug, route.name, abbreviated);
    } catch (error) {
      // Nothing usable in the metadata cache and the upstream down: what was downloaded still installs.
      if (!(error instanceof UpstreamError) || !route.pkg) throw error;
      return { ...(await this.renderStored(slug, route.pkg, abbreviated)), stale: true };
    }
  }

  private async renderStored(slug: string, pkg: Package, abbreviated: boolean): Promise<RenderedPackument> {
    const stamp = `${npmMetadata(pkg).rev}:${pkg.updatedAt.getTime()}:${this.options.config.publicUrl}`;
    let entry = this.cache.get(pkg.id);
    if (!entry || entry.stamp !== stamp) {
      const full = await this.document(slug, pkg);
      entry = { stamp, full: rendered(full), abbreviated: rendered(abbreviatePackument(full)) };
      this.cache.set(pkg.id, entry);
    }
    return abbreviated ? entry.abbreviated : entry.full;
  }

  /** The full document, uncached (also what `?write=true` readers get). */
  async document(slug: string, pkg: Package): Promise<Packument> {
    const name = parseNpmName(pkg.name) as NpmName;
    const detail = await this.packages.detail(pkg);
    const meta = npmMetadata(pkg);
    const versions: StoredVersion[] = detail.versions.map(({ version, files }) => {
      const file = files[0];
      const fileMeta = (file?.metadata ?? {}) as { integrity?: string; shasum?: string };
      return {
        version: version.version,
        manifest: version.metadata,
        createdAt: version.createdAt,
        tarball: file ? { url: tarballUrl(this.options.config.publicUrl, slug, name, version.version), integrity: fileMeta.integrity, shasum: fileMeta.shasum } : null,
      };
    });
    return buildPackument({ name: name.full, rev: revisionOf(pkg), distTags: pruneDistTags(meta['dist-tags'], versions.map((v) => v.version)), readme: meta.readme, created: pkg.createdAt, modified: pkg.updatedAt, versions });
  }
}

function rendered(doc: Packument): RenderedPackument {
  const body = JSON.stringify(doc);
  return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}
