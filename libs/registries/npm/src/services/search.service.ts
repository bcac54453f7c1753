import { Injectable } from '@nestjs/common';
import type { Principal } from '@packgate/auth';
import { PackageService } from '@packgate/registries/core';
import { NpmAccessService } from './npm-access.service';
import { npmMetadata } from '../wire/package-metadata';

export interface SearchResult {
  objects: { package: Record<string, unknown>; score: { final: number; detail: { quality: number; popularity: number; maintenance: number } }; searchScore: number }[];
  total: number;
  time: string;
}

/** `npm search`: the org's npm packages the caller may read whose name, description or keywords match. */
@Injectable()
export class SearchService {
  constructor(
    private readonly access: NpmAccessService,
    private readonly packages: PackageService,
  ) {}

  async search(principal: Principal, slug: string, text: string, size: number, from: number): Promise<SearchResult> {
    const org = await this.access.org(slug);
    const terms = text.toLowerCase().split(/\s+/).filter(Boolean);
    const readable = this.access.readableOf(principal, slug, await this.packages.listPackages(org.id, 'npm'));
    const matches: SearchResult['objects'] = [];
    for (const pkg of readable) {
      const latestVersion = npmMetadata(pkg)['dist-tags'].latest;
      const version = latestVersion ? await this.packages.findVersion(pkg.id, latestVersion) : null;
      const manifest = version?.metadata ?? {};
      const keywords = Array.isArray(manifest.keywords) ? manifest.keywords.map(String) : [];
      const haystack = [pkg.name, String(manifest.description ?? ''), ...keywords].join(' ').toLowerCase();
      if (!terms.every((term) => haystack.includes(term))) continue;
      matches.push({
        package: {
          name: pkg.name,
          scope: pkg.name.startsWith('@') ? pkg.name.slice(1, pkg.name.indexOf('/')) : 'unscoped',
          version: latestVersion ?? '',
          description: manifest.description ?? '',
          keywords,
          date: pkg.updatedAt.toISOString(),
          links: {},
          publisher: manifest._npmUser ?? undefined,
          maintainers: [],
        },
        score: { final: 1, detail: { quality: 1, popularity: 1, maintenance: 1 } },
        searchScore: 1,
      });
    }
    return { objects: matches.slice(from, from + size), total: matches.length, time: new Date().toUTCString() };
  }
}
