import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { Blob, Package, PackageContentsProvider, PackageSummaryFigures, PackageVersionView } from '@packgate/registries/core';
import { DockerBlobLink, DockerManifest, DockerTag } from '../entities';

/**
 * Docker repositories for the REST API and the dashboard: a tag is a "version", its manifest the
 * "file" (size = manifest plus the blobs it references); a repository's size counts each blob
 * linked to it once.
 */
@Injectable()
export class DockerContentsProvider implements PackageContentsProvider {
  constructor(
    @InjectRepository(DockerTag) private readonly tags: Repository<DockerTag>,
    @InjectRepository(DockerManifest) private readonly manifests: Repository<DockerManifest>,
    @InjectRepository(DockerBlobLink) private readonly links: Repository<DockerBlobLink>,
    @InjectRepository(Blob) private readonly blobs: Repository<Blob>,
  ) {}

  async summaries(packageIds: number[]): Promise<Map<number, PackageSummaryFigures>> {
    const out = new Map<number, PackageSummaryFigures>(packageIds.map((id) => [id, { versions: 0, size: 0, lastUpload: null, latest: null }]));
    const tags = await this.tags.find({ where: { packageId: In(packageIds) }, order: { updatedAt: 'ASC', id: 'ASC' } });
    for (const tag of tags) {
      const entry = out.get(tag.packageId)!;
      entry.versions += 1;
      entry.latest = tag.name;
      entry.lastUpload = tag.updatedAt;
    }
    const links = await this.links.find({ where: { packageId: In(packageIds) } });
    const sizes = await this.blobSizes(links.map((link) => link.digest));
    for (const link of links) out.get(link.packageId)!.size += sizes.get(link.digest) ?? 0;
    return out;
  }

  async listed(packageIds: number[]): Promise<Set<number>> {
    const rows: { packageId: number | string }[] = await this.manifests
      .createQueryBuilder('m')
      .select('DISTINCT m.package_id', 'packageId')
      .where('m.package_id IN (:...ids)', { ids: packageIds })
      .getRawMany();
    return new Set(rows.map((row) => Number(row.packageId)));
  }

  async versions(pkg: Package): Promise<PackageVersionView[]> {
    const tags = await this.tags.find({ where: { packageId: pkg.id }, order: { updatedAt: 'DESC', id: 'DESC' } });
    const manifests = await this.manifests.find({ where: { packageId: pkg.id, digest: In([...new Set(tags.map((tag) => tag.manifestDigest))]) } });
    const byDigest = new Map(manifests.map((manifest) => [manifest.digest, manifest]));
    const sizes = await this.blobSizes(manifests.flatMap((manifest) => manifest.blobRefs));
    return tags.map((tag) => {
      const manifest = byDigest.get(tag.manifestDigest);
      const size = (manifest?.size ?? 0) + (manifest?.blobRefs ?? []).reduce((sum, digest) => sum + (sizes.get(digest) ?? 0), 0);
      return {
        version: tag.name,
        createdAt: tag.updatedAt,
        yanked: false,
        yankedReason: null,
        files: [{ filename: tag.manifestDigest, size, sha256: tag.manifestDigest.replace(/^sha256:/, ''), createdAt: manifest?.createdAt ?? tag.updatedAt }],
      };
    });
  }

  private async blobSizes(digests: string[]): Promise<Map<string, number>> {
    const unique = [...new Set(digests)];
    if (unique.length === 0) return new Map();
    const rows = await this.blobs.find({ where: { digest: In(unique) }, select: { digest: true, size: true } });
    return new Map(rows.map((row) => [row.digest, row.size]));
  }
}
