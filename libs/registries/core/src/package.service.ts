import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { Readable } from 'node:stream';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { TtlCache } from '@packgate/auth';
import type { PackageType } from '@packgate/auth';
import { Blob } from './entities/blob.entity';
import { PackageFile } from './entities/package-file.entity';
import { PackageVersion } from './entities/package-version.entity';
import { Package, PermissionMode } from './entities/package.entity';
import { ConflictError, NotFoundError } from './errors';
import { BLOB_STORE, BlobStore, ByteRange, StagedBlob } from './storage/blob-store';

export interface PackageRef {
  orgId: number;
  type: PackageType;
  normalizedName: string;
}

/** How long a package row may be served from memory on a node that did not change it. */
export const PACKAGE_CACHE_MS = 2000;
/** Package ids per summary query (SQLite allows 32766 bound parameters). */
const SUMMARY_CHUNK = 5000;

const cacheKey = (ref: PackageRef) => `${ref.orgId}\n${ref.type}\n${ref.normalizedName}`;

export interface NewFile {
  orgId: number;
  type: PackageType;
  /** Name as the client sent it (kept on first upload). */
  name: string;
  normalizedName: string;
  version: string;
  /** Merged into the version's metadata (first upload of a version sets it). */
  versionMetadata: Record<string, unknown>;
  filename: string;
  staged: StagedBlob;
  fileMetadata: Record<string, unknown>;
}

export interface StoredFile {
  pkg: Package;
  version: PackageVersion;
  file: PackageFile;
  created: { package: boolean; version: boolean };
}

export interface PackageDetail {
  pkg: Package;
  versions: { version: PackageVersion; files: PackageFile[] }[];
}

/**
 * Format-agnostic package storage used by every registry module: package → version → file → blob,
 * written in one transaction after the blob's bytes are verified and in place.
 */
@Injectable()
export class PackageService {
  private readonly cache = new TtlCache<string, Package>(PACKAGE_CACHE_MS, 20_000);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Package) private readonly packages: Repository<Package>,
    @InjectRepository(PackageVersion) private readonly versions: Repository<PackageVersion>,
    @InjectRepository(PackageFile) private readonly files: Repository<PackageFile>,
    @Inject(BLOB_STORE) readonly blobs: BlobStore,
  ) {}

  /**
   * The package row, from a short-lived cache: every registry request reads it (visibility and
   * permission mode decide access). Writes made through this service drop the entry at once; other
   * nodes see a change within PACKAGE_CACHE_MS. Callers get a copy they may modify.
   */
  async findPackage(ref: PackageRef): Promise<Package | null> {
    const key = cacheKey(ref);
    let pkg = this.cache.get(key);
    if (!pkg) {
      const found = await this.packages.findOne({ where: { orgId: ref.orgId, type: ref.type, normalizedName: ref.normalizedName } });
      if (!found) return null;
      this.cache.set(key, found);
      pkg = found;
    }
    return this.packages.create({ ...pkg, metadata: structuredClone(pkg.metadata) });
  }

  /** Drops a package from the cache; for code that writes package rows itself. */
  forget(ref: PackageRef): void {
    this.cache.delete(cacheKey(ref));
  }

  listPackages(orgId: number, type?: PackageType): Promise<Package[]> {
    return this.packages.find({ where: type ? { orgId, type } : { orgId }, order: { type: 'ASC', normalizedName: 'ASC' } });
  }

  async detail(pkg: Package): Promise<PackageDetail> {
    const versions = await this.versions.find({ where: { packageId: pkg.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    const files = await this.files.find({ where: { packageId: pkg.id }, order: { id: 'ASC' } });
    return {
      pkg,
      versions: versions.map((version) => ({ version, files: files.filter((file) => file.versionId === version.id) })),
    };
  }

  /**
   * Summary numbers for listings: version count, total size, last upload, latest version (the last
   * one stored). Aggregated in the database from covering indexes, in chunks that stay below
   * SQLite's bound-parameter limit.
   */
  async summaries(packageIds: number[]): Promise<Map<number, { versions: number; size: number; lastUpload: Date | null; latest: string | null }>> {
    const out = new Map<number, { versions: number; size: number; lastUpload: Date | null; latest: string | null }>();
    for (const id of packageIds) out.set(id, { versions: 0, size: 0, lastUpload: null, latest: null });
    const createdAt = this.files.metadata.findColumnWithPropertyName('createdAt')!;
    for (let start = 0; start < packageIds.length; start += SUMMARY_CHUNK) {
      const ids = packageIds.slice(start, start + SUMMARY_CHUNK);
      const counts = await this.versions
        .createQueryBuilder('v')
        .select('v.package_id', 'packageId')
        .addSelect('COUNT(*)', 'versions')
        .addSelect('MAX(v.id)', 'lastId')
        .where('v.package_id IN (:...ids)', { ids })
        .groupBy('v.package_id')
        .getRawMany<{ packageId: number | string; versions: number | string; lastId: number | string }>();
      for (const row of counts) out.get(Number(row.packageId))!.versions = Number(row.versions);
      const lastIds = counts.map((row) => Number(row.lastId));
      const latest = lastIds.length === 0 ? [] : await this.versions.find({ where: { id: In(lastIds) }, select: { id: true, packageId: true, version: true } });
      for (const version of latest) out.get(version.packageId)!.latest = version.version;
      const totals = await this.files
        .createQueryBuilder('f')
        .select('f.package_id', 'packageId')
        .addSelect('SUM(f.size)', 'size')
        .addSelect('MAX(f.created_at)', 'lastUpload')
        .where('f.package_id IN (:...ids)', { ids })
        .groupBy('f.package_id')
        .getRawMany<{ packageId: number | string; size: number | string; lastUpload: unknown }>();
      for (const row of totals) {
        const entry = out.get(Number(row.packageId))!;
        entry.size = Number(row.size);
        entry.lastUpload = row.lastUpload == null ? null : (this.dataSource.driver.prepareHydratedValue(row.lastUpload, createdAt) as Date);
      }
    }
    return out;
  }

  findFile(packageId: number, filename: string): Promise<PackageFile | null> {
    return this.files.findOne({ where: { packageId, filename } });
  }

  findVersion(packageId: number, version: string): Promise<PackageVersion | null> {
    return this.versions.findOne({ where: { packageId, version } });
  }

  /**
   * Stores a verified upload: commits the staged blob, then writes package, version, file and the
   * blob's reference in one transaction. A duplicate filename is a ConflictError and stores nothing.
   */
  async addFile(input: NewFile): Promise<StoredFile> {
    const existingPkg = await this.findPackage(input);
    if (existingPkg && (await this.findFile(existingPkg.id, input.filename))) {
      await input.staged.discard();
      throw new ConflictError(`File already exists: ${input.filename}`, 'FILE_EXISTS');
    }
    await input.staged.commit();
    this.forget(input);
    try {
      const stored = await this.dataSource.transaction(async (manager) => {
        const now = new Date();
        let pkg = await manager.findOne(Package, { where: { orgId: input.orgId, type: input.type, normalizedName: input.normalizedName } });
        const createdPackage = !pkg;
        if (!pkg) {
          pkg = await manager.save(
            manager.create(Package, {
              orgId: input.orgId,
              type: input.type,
              name: input.name,
              normalizedName: input.normalizedName,
              private: true,
              permissionMode: 'standard',
              metadata: {},
              createdAt: now,
              updatedAt: now,
            }),
          );
        } else {
          pkg.updatedAt = now;
          await manager.save(pkg);
        }
        let version = await manager.findOne(PackageVersion, { where: { packageId: pkg.id, version: input.version } });
        const createdVersion = !version;
        if (!version) {
          version = await manager.save(
            manager.create(PackageVersion, { packageId: pkg.id, version: input.version, metadata: input.versionMetadata, yanked: false, yankedReason: null, createdAt: now }),
          );
        }
        if (await manager.findOne(PackageFile, { where: { packageId: pkg.id, filename: input.filename } })) {
          throw new ConflictError(`File already exists: ${input.filename}`, 'FILE_EXISTS');
        }
        const file = await manager.save(
          manager.create(PackageFile, {
            packageId: pkg.id,
            versionId: version.id,
            filename: input.filename,
            blobDigest: input.staged.digest,
            size: input.staged.size,
            metadata: input.fileMetadata,
            createdAt: now,
          }),
        );
        await this.addBlobReference(manager, input.staged.digest, input.staged.size);
        return { pkg, version, file, created: { package: createdPackage, version: createdVersion } };
      });
      this.forget(input);
      return stored;
    } catch (error) {
      this.forget(input);
      if (isUniqueViolation(error)) throw new ConflictError(`File already exists: ${input.filename}`, 'FILE_EXISTS');
      throw error;
    }
  }

  async updateSettings(pkg: Package, changes: { private?: boolean; permissionMode?: PermissionMode }): Promise<Package> {
    if (changes.private !== undefined) pkg.private = changes.private;
    if (changes.permissionMode !== undefined) pkg.permissionMode = changes.permissionMode;
    pkg.updatedAt = new Date();
    const saved = await this.packages.save(pkg);
    this.forget(pkg);
    return saved;
  }

  async updateMetadata(pkg: Package, metadata: Record<string, unknown>): Promise<Package> {
    pkg.metadata = metadata;
    pkg.updatedAt = new Date();
    const saved = await this.packages.save(pkg);
    this.forget(pkg);
    return saved;
  }

  async updateVersion(version: PackageVersion, changes: Partial<Pick<PackageVersion, 'metadata' | 'yanked' | 'yankedReason'>>): Promise<PackageVersion> {
    Object.assign(version, changes);
    return this.versions.save(version);
  }

  /** Package packageTypes in `package` permission mode: their names, for role listings. */
  listPackageModePackages(orgId: number): Promise<Package[]> {
    return this.packages.find({ where: { orgId, permissionMode: 'package' }, order: { type: 'ASC', normalizedName: 'ASC' } });
  }

  async deletePackage(pkg: Package): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const files = await manager.find(PackageFile, { where: { packageId: pkg.id } });
      for (const file of files) await this.dropBlobReference(manager, file.blobDigest);
      await manager.delete(PackageFile, { packageId: pkg.id });
      await manager.delete(PackageVersion, { packageId: pkg.id });
      await manager.delete(Package, { id: pkg.id });
    });
    this.forget(pkg);
  }

  async deleteVersion(version: PackageVersion): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const files = await manager.find(PackageFile, { where: { versionId: version.id } });
      for (const file of files) await this.dropBlobReference(manager, file.blobDigest);
      await manager.delete(PackageFile, { versionId: version.id });
      await manager.delete(PackageVersion, { id: version.id });
    });
  }

  async deleteFile(file: PackageFile): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.dropBlobReference(manager, file.blobDigest);
      await manager.delete(PackageFile, { id: file.id });
      const remaining = await manager.count(PackageFile, { where: { versionId: file.versionId } });
      if (remaining === 0) await manager.delete(PackageVersion, { id: file.versionId });
    });
  }

  async openFile(file: PackageFile, range?: ByteRange): Promise<Readable> {
    try {
      return await this.blobs.open(file.blobDigest, range);
    } catch {
      throw new NotFoundError(`content of ${file.filename} is missing from storage`);
    }
  }

  private async addBlobReference(manager: EntityManager, digest: string, size: number): Promise<void> {
    const updated = await manager.increment(Blob, { digest }, 'refCount', 1);
    if ((updated.affected ?? 0) === 0) {
      await manager.insert(Blob, { digest, size, refCount: 1, createdAt: new Date() });
    }
  }

  private async dropBlobReference(manager: EntityManager, digest: string): Promise<void> {
    await manager.decrement(Blob, { digest }, 'refCount', 1);
  }
}

function isUniqueViolation(error: unknown): boolean {
  const text = String((error as { code?: string; message?: string })?.code ?? '') + String((error as Error)?.message ?? '');
  return /UNIQUE|ER_DUP_ENTRY|Duplicate entry/i.test(text);
}
