import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { IdentityService, Organization } from '@packgate/auth';
import { Blob, BlobFile, NotFoundError, Package, PackageFile, PackageRef, PackageService, PackageVersion, isUniqueViolation, normalizePackageName, withTransactionRetry } from '@packgate/registries/core';
import { manifestShape, tagArtifactType } from '../wire/artifact-type';
import { DockerBlobLink, DockerManifest } from '../entities';
import { OciError } from '../errors';
import type { ParsedManifest } from '../wire/manifest-parser';
import type { RepositoryName } from '../wire/names';
import { BLOB_FILE_METADATA, manifestFileMetadata, tagFileName } from './tag-files';

export interface RepositoryContext {
  repo: RepositoryName;
  org: Organization | null;
  pkg: Package | null;
}

/** A tag: a core version of the repository's package, naming one manifest. */
export interface DockerTag {
  /** The id of the tag's package_version row. */
  id: number;
  packageId: number;
  name: string;
  manifestDigest: string;
  updatedAt: Date;
}

export interface NewManifest {
  digest: string;
  size: number;
  parsed: ParsedManifest;
}

/**
 * A Docker repository's content. The repository is a core package of type docker; a tag is a core
 * version whose files are its manifest and the blobs that manifest references (each file holds a
 * blob reference, like any package file). Manifests themselves (tagged or not) are `docker_manifest`
 * rows holding references on their bytes and blobs, and `docker_blob_link` says which blobs a
 * repository may serve (see docs/architecture.md, "Docker on the core model"). Every write that
 * changes reference counts runs in one transaction.
 */
@Injectable()
export class RepositoryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(DockerManifest) private readonly manifests: Repository<DockerManifest>,
    @InjectRepository(PackageVersion) private readonly versions: Repository<PackageVersion>,
    @InjectRepository(DockerBlobLink) private readonly links: Repository<DockerBlobLink>,
    @InjectRepository(Blob) private readonly blobs: Repository<Blob>,
    private readonly packages: PackageService,
    private readonly identity: IdentityService,
  ) {}

  async context(repo: RepositoryName): Promise<RepositoryContext> {
    const org = await this.identity.findOrg(repo.org);
    const pkg = org ? await this.packages.findPackage(this.ref(org.id, repo)) : null;
    return { repo, org, pkg };
  }

  /** The first push creates the repository: a private package in standard mode. */
  async ensurePackage(ctx: RepositoryContext): Promise<Package> {
    if (ctx.pkg) return ctx.pkg;
    if (!ctx.org) throw new OciError('NAME_UNKNOWN', `organization "${ctx.repo.org}" does not exist`);
    const ref = this.ref(ctx.org.id, ctx.repo);
    const now = new Date();
    try {
      await this.dataSource.getRepository(Package).insert({ ...ref, name: ctx.repo.packageName, private: true, permissionMode: 'standard', metadata: {}, createdAt: now, updatedAt: now });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const pkg = await this.packages.findPackage(ref);
    if (!pkg) throw new Error('repository vanished while being created');
    ctx.pkg = pkg;
    return pkg;
  }

  /** Repositories that exist for clients: those with a manifest (an upload alone does not make one). */
  listRepositories(): Promise<Package[]> {
    return this.dataSource
      .getRepository(Package)
      .createQueryBuilder('p')
      .innerJoinAndSelect('p.org', 'org')
      .where('p.type = :type', { type: 'docker' })
      .andWhere('EXISTS (SELECT 1 FROM docker_manifest m WHERE m.package_id = p.id)')
      .getMany();
  }

  // ---- blobs ---------------------------------------------------------------------------------

  /** The blob as seen through this repository: linked here and present. */
  async linkedBlob(packageId: number | undefined, digest: string): Promise<Blob | null> {
    if (packageId === undefined) return null;
    const link = await this.links.findOne({ where: { packageId, digest } });
    if (!link) return null;
    return this.blobs.findOne({ where: { digest } });
  }

  /** Records a committed blob (refCount stays as is; a fresh upload restarts the GC grace period) and links it. */
  async registerBlob(packageId: number, digest: string, size: number): Promise<void> {
    try {
      await this.blobs.insert({ digest, size, refCount: 0, createdAt: new Date() });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await this.blobs.update({ digest, refCount: 0 }, { createdAt: new Date() });
    }
    await this.link(packageId, digest);
  }

  async link(packageId: number, digest: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    if (await manager.findOne(DockerBlobLink, { where: { packageId, digest } })) return;
    try {
      await manager.insert(DockerBlobLink, { packageId, digest, createdAt: new Date() });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }

  async unlink(packageId: number, digest: string): Promise<boolean> {
    const result = await this.links.delete({ packageId, digest });
    return (result.affected ?? 0) > 0;
  }

  /** Repositories (package ids) where this blob is linked; for mounts without `from`. */
  async repositoriesLinking(digest: string): Promise<number[]> {
    const rows = await this.links.find({ where: { digest }, take: 50 });
    return rows.map((row) => row.packageId);
  }

  findPackageById(id: number): Promise<Package | null> {
    return this.dataSource.getRepository(Package).findOne({ where: { id, type: 'docker' }, relations: { org: true } });
  }

  // ---- manifests and tags ---------------------------------------------------------------------

  findManifest(packageId: number, digest: string): Promise<DockerManifest | null> {
    return this.manifests.findOne({ where: { packageId, digest } });
  }

  /** The manifest a tag points at. */
  async findManifestByTag(packageId: number, tag: string): Promise<DockerManifest | null> {
    const found = await this.findTag(packageId, tag);
    return found ? this.findManifest(packageId, found.manifestDigest) : null;
  }

  async findTag(packageId: number, tag: string): Promise<DockerTag | null> {
    const version = await this.versions.findOne({ where: { packageId, version: tag } });
    return version && version.version === tag ? tagOf(version) : null;
  }

  async listTags(packageId: number): Promise<string[]> {
    const rows = await this.versions.find({ where: { packageId }, select: { version: true } });
    return rows.map((row) => row.version);
  }

  referrers(packageId: number, subject: string): Promise<DockerManifest[]> {
    return this.manifests.find({ where: { packageId, subjectDigest: subject }, order: { id: 'ASC' } });
  }

  /**
   * Stores a manifest whose bytes are already committed under `digest`: the row, one reference on
   * its own bytes and on each distinct blob it names, the link of its bytes, and the tag.
   * A referenced blob that vanished meanwhile (garbage collection) aborts with MANIFEST_BLOB_UNKNOWN.
   */
  async saveManifest(pkg: Package, manifest: NewManifest, tag: string | null): Promise<void> {
    const { parsed, digest } = manifest;
    // Concurrent pushes of one manifest race on the same rows: a deadlock, lock timeout or duplicate
    // key just means another push got there first, and a fresh attempt finds its rows.
    await withTransactionRetry(this.dataSource, async (manager) => {
      // The repository row first, then blobs in sorted order: every push takes its locks in one order.
      await manager.update(Package, { id: pkg.id }, { updatedAt: new Date() });
      const existing = await manager.findOne(DockerManifest, { where: { packageId: pkg.id, digest } });
      if (!existing) {
        const blobRefs = [...new Set(parsed.blobs.map((blob) => blob.digest))].sort();
        await this.addReference(manager, digest, manifest.size);
        for (const ref of blobRefs) {
          const updated = await manager.increment(Blob, { digest: ref }, 'refCount', 1);
          if ((updated.affected ?? 0) === 0) throw new OciError('MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry', { digest: ref });
        }
        await manager.insert(DockerManifest, {
          packageId: pkg.id,
          digest,
          mediaType: parsed.mediaType,
          size: manifest.size,
          artifactType: parsed.artifactType,
          subjectDigest: parsed.subject?.digest ?? null,
          blobRefs,
          manifestRefs: [...new Set(parsed.manifests.map((entry) => entry.digest))],
          annotations: parsed.annotations,
          createdAt: new Date(),
        });
      }
      await this.link(pkg.id, digest, manager);
      if (tag !== null) await this.putTag(manager, pkg.id, tag, manifest);
    }, { retryOn: isUniqueViolation });
    this.packages.forget(pkg);
  }

  /** Deletes a manifest, every tag pointing at it, and the references they held. */
  async deleteManifest(manifest: DockerManifest): Promise<void> {
    await withTransactionRetry(this.dataSource, async (manager) => {
      const deleted = await manager.delete(DockerManifest, { id: manifest.id });
      if ((deleted.affected ?? 0) === 0) return;
      for (const versionId of await this.tagsNaming(manager, manifest.packageId, manifest.digest)) await this.packages.dropVersion(manager, versionId);
      for (const ref of [manifest.digest, ...manifest.blobRefs]) await manager.decrement(Blob, { digest: ref }, 'refCount', 1);
    });
  }

  async deleteTag(tag: DockerTag): Promise<void> {
    await this.packages.deleteVersion({ id: tag.id } as PackageVersion);
  }

  /** Ids of the tags (versions) of a repository whose manifest is `digest`. */
  private async tagsNaming(manager: EntityManager, packageId: number, digest: string): Promise<number[]> {
    const files = await manager.find(PackageFile, { where: { packageId, blobDigest: digest }, select: { versionId: true } });
    if (files.length === 0) return [];
    const versions = await manager.find(PackageVersion, { where: { id: In([...new Set(files.map((file) => file.versionId))]) } });
    return versions.filter((version) => tagOf(version).manifestDigest === digest).map((version) => version.id);
  }

  /**
   * The tag as a core version: its files are the manifest and each distinct blob it references; a
   * tag naming an artifact (signature, SBOM, …) records its type, so it is never the latest.
   */
  private async putTag(manager: EntityManager, packageId: number, name: string, manifest: NewManifest): Promise<void> {
    const files: BlobFile[] = [{ filename: tagFileName(name, manifest.digest), digest: manifest.digest, size: manifest.size, metadata: manifestFileMetadata(manifest.parsed.mediaType) }];
    const seen = new Set<string>([manifest.digest]);
    for (const blob of manifest.parsed.blobs) {
      if (seen.has(blob.digest)) continue;
      seen.add(blob.digest);
      files.push({ filename: tagFileName(name, blob.digest), digest: blob.digest, size: blob.size, metadata: BLOB_FILE_METADATA });
    }
    try {
      const artifactType = tagArtifactType(name, manifestShape(manifest.parsed));
      await this.packages.putBlobVersion(manager, packageId, name, { manifestDigest: manifest.digest, mediaType: manifest.parsed.mediaType }, files, artifactType);
    } catch (error) {
      if (error instanceof NotFoundError) throw new OciError('MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry');
      throw error;
    }
  }

  private async addReference(manager: EntityManager, digest: string, size: number): Promise<void> {
    const updated = await manager.increment(Blob, { digest }, 'refCount', 1);
    if ((updated.affected ?? 0) === 0) await manager.insert(Blob, { digest, size, refCount: 1, createdAt: new Date() });
  }

  // ---- garbage collection support -------------------------------------------------------------

  /** blob digest → references docker manifests hold on it. */
  async manifestReferenceCounts(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const rows = await this.manifests.find({ select: { digest: true, blobRefs: true } });
    for (const row of rows) for (const ref of [row.digest, ...row.blobRefs]) counts.set(ref, (counts.get(ref) ?? 0) + 1);
    return counts;
  }

  async deleteLinks(digests: string[]): Promise<void> {
    if (digests.length > 0) await this.links.delete({ digest: In(digests) });
  }

  private ref(orgId: number, repo: RepositoryName): PackageRef {
    return { orgId, type: 'docker', normalizedName: normalizePackageName('docker', repo.packageName) };
  }
}

function tagOf(version: PackageVersion): DockerTag {
  return { id: version.id, packageId: version.packageId, name: version.version, manifestDigest: String(version.metadata.manifestDigest ?? ''), updatedAt: version.createdAt };
}
