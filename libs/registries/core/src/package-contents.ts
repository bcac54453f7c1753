import { Injectable } from '@nestjs/common';
import type { PackageType } from '@packgate/auth';
import type { Package } from './entities/package.entity';

export interface PackageSummaryFigures {
  versions: number;
  size: number;
  lastUpload: Date | null;
  latest: string | null;
}

export interface PackageVersionView {
  version: string;
  createdAt: Date;
  yanked: boolean;
  yankedReason: string | null;
  files: { filename: string; size: number; sha256: string; createdAt: Date }[];
}

/**
 * How a format whose content does not live in versions and files (Docker: tags → manifests →
 * blobs) describes its packages to the REST API and the dashboard.
 */
export interface PackageContentsProvider {
  summaries(packageIds: number[]): Promise<Map<number, PackageSummaryFigures>>;
  versions(pkg: Package): Promise<PackageVersionView[]>;
  /** Of these packages, the ones listings show (Docker: a repository is listed once it has a manifest). */
  listed?(packageIds: number[]): Promise<Set<number>>;
}

/** Format modules register their provider here at start; types without one use versions/files. */
@Injectable()
export class PackageContentsRegistry {
  private readonly providers = new Map<PackageType, PackageContentsProvider>();

  register(type: PackageType, provider: PackageContentsProvider): void {
    this.providers.set(type, provider);
  }

  providerFor(type: PackageType): PackageContentsProvider | undefined {
    return this.providers.get(type);
  }
}
