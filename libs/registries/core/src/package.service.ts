import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { Readable } from 'node:stream';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { InvalidationBus, TtlCache } from '@packgate/auth';
import { PACKAGE_TYPES, type PackageType } from '@packgate/auth';
import { Blob } from './entities/blob.entity';
import { PackageFile } from './entities/package-file.entity';
import { PackageVersion } from './entities/package-version.entity';
import { Package, PackageSource, PermissionMode } from './entities/package.entity';
import { ConflictError, NotFoundError } from './errors';
import { classifyDependencyFailure } from './faults/dependency-failure';
import { isUniqueViolation, supportsRowLocks, withTransactionRetry } from './transaction-retry';
import { BLOB_STORE, BlobBody, BlobStore, ByteRange, StagedBlob } from './storage/blob-store';
import { openBlobBody } from './storage/blob-body';

export interface PackageRef {
  orgId: number;
  type: PackageType;
  normalizedName: string;
}

/** How long a package row may be served from memory on a node that did not change it. */
export const PACKAGE_CACHE_MS = 2000;
/** Package ids per summary query (SQLite allows 32766 bound parameters). */
const SUMMARY_CHUNK = 5000;

const ROWS = 'package.rows';
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
  /** `upstream` when caching a file of the org's upstream; default `local` (a publish). */
  source?: PackageSource;
}

/**
 * A publish to a name held by the upstream cache, or an upstream file cached under a name the org
 * has published meanwhile: the two never mix in one package (409).
 */
export function sourceConflict(pkg: Package, source: PackageSource): ConflictError | null {
  if (pkg.source === source) return null;
  if (source === 'local') {
    return new ConflictError(`${pkg.name} is cached from the upstream registry; an org admin must delete the cached package before a private package of this name can be published`, 'UPSTREAM_CACHED');
  }
  return new ConflictError(`${pkg.name} is published in this org and is never cached from the upstream`, 'PRIVATE_PACKAGE');
}

export interface StoredFile {
  pkg: Package;
  version: PackageVersion;
  file: PackageFile;
  created: { package: boolean; version: boolean };
}

/** A file of a version that names a blob already stored (content-addressed formats). */
export interface BlobFile {
  filename: string;
  digest: string;
  size: number;
  metadata: Record<string, unknown>;
}

export interface PackageSummaryFigures {
  versions: number;
  size: number;
  lastUpload: Date | null;
  latest: string | null;
}

/**
 * Formats whose package row exists before its first version (Docker creates the repository at the
 * first blob upload, which must be linked somewhere): listings show such a package once it has a
 * version.
 */
export const LISTED_ONCE_VERSIONED: ReadonlySet<PackageType> = new Set<PackageType>(['docker']);

/** Where a listing page starts: after this package in (type, normalized name) order. */
export interface PackageListPosition {
  type: string;
  normalizedName: string;
}

export interface PackageListPageQuery {
  type?: PackageType;
  /** Lower-case substring of the name or the normalized name. */
  nameContains?: string;
  after?: PackageListPosition;
  limit: number;
}

/** `text` as a LIKE pattern matching it anywhere, with `!` as the escape character. */
const containsPattern = (text: string) => `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;

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
    private readonly bus: InvalidationBus,
  ) {
    bus.register(ROWS, this.cache);
  }

  /**
   * The package row, from a short-lived cache: every registry request reads it (visibility and
   * permission mode decide access). Writes made through this service drop the entry on every node
   * (through the invalidation bus; without one, other nodes see a change within PACKAGE_CACHE_MS).
   * Callers get a copy they may modify.
   */
  async findPackage(ref: PackageRef): Promise<Package | null> {
    const key = cacheKey(ref);
    let pkg = this.cache.get(key);
    if (!pkg) {
      const stamp = this.cache.stamp();
      const found = await this.packages.findOne({ where: { orgId: ref.orgId, type: ref.type, normalizedName: ref.normalizedName } });
      if (!found) return null;
      this.cache.set(key, found, stamp);
      pkg = found;
    }
    return this.packages.create({ ...pkg, metadata: structuredClone(pkg.metadata) });
  }

  /** Drops a package from the cache of every node; for code that writes package rows itself. */
  forget(ref: PackageRef): void {
    this.bus.drop(ROWS, cacheKey(ref));
  }

  listPackages(orgId: number, type?: PackageType): Promise<Package[]> {
    return this.packages.find({ where: type ? { orgId, type } : { orgId }, order: { type: 'ASC', normalizedName: 'ASC' } });
  }

  /**
   * Up to `limit` packages of an org in (type, normalized name) order, read along the unique
   * (org, type, name) index from `after` on, so a page costs the same at any depth. Formats in
   * LISTED_ONCE_VERSIONED appear once they have a version. Access is for the caller to filter.
   */
  async listPage(orgId: number, query: PackageListPageQuery): Promise<Package[]> {
    const { type, after, limit } = query;
    if (!after) return this.listPageOfType(orgId, query, type);
    // From a position: one name range per type from the cursor's on (at most one read per format),
    // so both databases start at the cursor in the index instead of reading past earlier pages.
    const page: Package[] = [];
    for (const next of [...PACKAGE_TYPES].sort()) {
      if (next < after.type || (type && next !== type)) continue;
      page.push(...(await this.listPageOfType(orgId, { ...query, limit: limit - page.length }, next, next === after.type ? after.normalizedName : undefined)));
      if (page.length >= limit) break;
    }
    return page;
  }

  private listPageOfType(orgId: number, { nameContains, limit }: PackageListPageQuery, type: PackageType | undefined, afterName?: string): Promise<Package[]> {
    const query = this.packages.createQueryBuilder('p').where('p.org_id = :orgId', { orgId });
    if (type) query.andWhere('p.type = :type', { type });
    if (afterName !== undefined) query.andWhere('p.normalized_name > :afterName', { afterName });
    if (nameContains) query.andWhere("(p.normalized_name LIKE :pattern ESCAPE '!' OR LOWER(p.name) LIKE :pattern ESCAPE '!')", { pattern: containsPattern(nameContains) });
    query.andWhere('(p.type NOT IN (:...onceVersioned) OR EXISTS (SELECT 1 FROM package_version v WHERE v.package_id = p.id))', { onceVersioned: [...LISTED_ONCE_VERSIONED] });
    return query.orderBy('p.type', 'ASC').addOrderBy('p.normalizedName', 'ASC').limit(limit).getMany();
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
   * one stored that is not an artifact). Aggregated in the database from covering indexes, in
   * chunks that stay below SQLite's bound-parameter limit.
   */
  async summaries(packageIds: number[]): Promise<Map<number, PackageSummaryFigures>> {
    const out = new Map<number, PackageSummaryFigures>();
    for (const id of packageIds) out.set(id, { versions: 0, size: 0, lastUpload: null, latest: null });
    const createdAt = this.files.metadata.findColumnWithPropertyName('createdAt')!;
    for (let start = 0; start < packageIds.length; start += SUMMARY_CHUNK) {
      const ids = packageIds.slice(start, start + SUMMARY_CHUNK);
      const counts = await this.versions
        .createQueryBuilder('v')
        .select('v.package_id', 'packageId')
        .addSelect('COUNT(*)', 'versions')
        .addSelect('MAX(CASE WHEN v.artifact_type IS NULL THEN v.id END)', 'lastId')
        .where('v.package_id IN (:...ids)', { ids })
        .groupBy('v.package_id')
        .getRawMany<{ packageId: number | string; versions: number | string; lastId: number | string | null }>();
      for (const row of counts) out.get(Number(row.packageId))!.versions = Number(row.versions);
      const lastIds = counts.filter((row) => row.lastId != null).map((row) => Number(row.lastId));
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
   * blob's reference. Package and version rows are created race-free (insert, or take the row a
   * concurrent upload created); the file and its blob reference are one transaction. A duplicate
   * filename is a ConflictError and stores no row; the committed bytes stay for garbage collection,
   * since a concurrent upload of the same content may reference them.
   */
  async addFile(input: NewFile): Promise<StoredFile> {
    const existingPkg = await this.findPackage(input);
    const conflict = existingPkg && sourceConflict(existingPkg, input.source ?? 'local');
    if (conflict) {
      await input.staged.discard();
      throw conflict;
    }
    if (existingPkg && (await this.findFile(existingPkg.id, input.filename))) {
      await input.staged.discard();
      throw new ConflictError(`File already exists: ${input.filename}`, 'FILE_EXISTS');
    }
    await this.registerBlob(input.staged.digest, input.staged.size);
    await input.staged.commit();
    this.forget(input);
    try {
      const now = new Date();
      const { pkg, created: createdPackage } = await this.packageRow(input, now);
      const { version, created: createdVersion } = await this.versionRow(pkg.id, input, now);
      const file = await withTransactionRetry(this.dataSource, async (manager) => {
        // The package row first: every upload to this package then takes its locks in one order.
        await manager.update(Package, { id: pkg.id }, { updatedAt: now });
        if (await manager.findOne(PackageFile, { where: { packageId: pkg.id, filename: input.filename } })) {
          throw new ConflictError(`File already exists: ${input.filename}`, 'FILE_EXISTS');
        }
        const saved = await manager.save(
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
        return saved;
      }, { retryOn: isUniqueViolation });
      pkg.updatedAt = now;
      return { pkg, version, file, created: { package: createdPackage, version: createdVersion } };
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`File already exists: ${input.filename}`, 'FILE_EXISTS');
      throw error;
    } finally {
      this.forget(input);
    }
  }

  /**
   * Records bytes about to be committed: a new Blob row without references, or a fresh `createdAt`
   * on the existing one, which restarts the garbage-collection grace period. Call before
   * `StagedBlob.commit`, so a collection running meanwhile cannot delete the file just committed;
   * bytes that end up unreferenced (a refused or losing upload) are collected after the grace period.
   */
  async registerBlob(digest: string, size: number): Promise<void> {
    // One upsert statement: a read before the insert would take gap locks on MariaDB, and twenty
    // concurrent uploads of the same bytes would then deadlock each other.
    await withTransactionRetry(this.dataSource, (manager) =>
      manager.createQueryBuilder().insert().into(Blob).values({ digest, size, refCount: 0, createdAt: new Date() }).orUpdate(['created_at'], ['digest']).execute(),
    );
  }

  /** The package row, inserted when missing; a concurrent insert makes this attempt re-read it. */
  private packageRow(input: NewFile, now: Date): Promise<{ pkg: Package; created: boolean }> {
    return withTransactionRetry(
      this.dataSource,
      async (manager) => {
        const found = await manager.findOne(Package, { where: { orgId: input.orgId, type: input.type, normalizedName: input.normalizedName } });
        const conflict = found && sourceConflict(found, input.source ?? 'local');
        if (conflict) throw conflict;
        if (found) return { pkg: found, created: false };
        const pkg = await manager.save(
          manager.create(Package, {
            orgId: input.orgId,
            type: input.type,
            name: input.name,
            normalizedName: input.normalizedName,
            private: true,
            permissionMode: 'standard',
            source: input.source ?? 'local',
            metadata: {},
            createdAt: now,
            updatedAt: now,
          }),
        );
        return { pkg, created: true };
      },
      { retryOn: isUniqueViolation },
    );
  }

  private versionRow(packageId: number, input: NewFile, now: Date): Promise<{ version: PackageVersion; created: boolean }> {
    return withTransactionRetry(
      this.dataSource,
      async (manager) => {
        const found = await manager.findOne(PackageVersion, { where: { packageId, version: input.version } });
        if (found) return { version: found, created: false };
        const version = await manager.save(
          manager.create(PackageVersion, { packageId, version: input.version, metadata: input.versionMetadata, yanked: false, yankedReason: null, createdAt: now }),
        );
        return { version, created: true };
      },
      { retryOn: isUniqueViolation },
    );
  }

  /**
   * Changes a package's metadata document under a row lock (MariaDB `SELECT … FOR UPDATE`; SQLite
   * transactions run one at a time), so concurrent changes (npm dist-tags) never overwrite each other.
   * `mutate` gets the current document and returns the new one.
   */
  async updateMetadataWith(pkg: Package, mutate: (metadata: Record<string, unknown>) => Record<string, unknown>): Promise<Package> {
    const saved = await withTransactionRetry(this.dataSource, async (manager) => {
      const current = await manager.findOne(Package, { where: { id: pkg.id }, ...(supportsRowLocks(this.dataSource) ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
      if (!current) throw new NotFoundError(`package ${pkg.name} no longer exists`);
      const metadata = mutate(structuredClone(current.metadata));
      const updatedAt = new Date();
      await manager.update(Package, { id: pkg.id }, { metadata: metadata as never, updatedAt });
      return manager.create(Package, { ...current, metadata, updatedAt });
    });
    this.forget(pkg);
    return saved;
  }

  async updateSettings(pkg: Package, changes: { private?: boolean; permissionMode?: PermissionMode }): Promise<Package> {
    if (changes.private !== undefined) pkg.private = changes.private;
    if (changes.permissionMode !== undefined) pkg.permissionMode = changes.permissionMode;
    pkg.updatedAt = new Date();
    // Only these columns: a whole-row save would write back a possibly stale metadata document.
    await this.packages.update({ id: pkg.id }, { private: pkg.private, permissionMode: pkg.permissionMode, updatedAt: pkg.updatedAt });
    this.forget(pkg);
    return pkg;
  }

  async updateMetadata(pkg: Package, metadata: Record<string, unknown>): Promise<Package> {
    pkg.metadata = metadata;
    pkg.updatedAt = new Date();
    await this.packages.update({ id: pkg.id }, { metadata: metadata as never, updatedAt: pkg.updatedAt });
    this.forget(pkg);
    return pkg;
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
    await withTransactionRetry(this.dataSource, async (manager) => {
      const files = await manager.find(PackageFile, { where: { packageId: pkg.id } });
      for (const file of files) await this.dropBlobReference(manager, file.blobDigest);
      await manager.delete(PackageFile, { packageId: pkg.id });
      await manager.delete(PackageVersion, { packageId: pkg.id });
      await manager.delete(Package, { id: pkg.id });
    });
    this.forget(pkg);
  }

  async deleteVersion(version: PackageVersion): Promise<void> {
    await withTransactionRetry(this.dataSource, (manager) => this.dropVersion(manager, version.id));
  }

  /** Deletes a version, its files and their blob references, inside the caller's transaction. */
  async dropVersion(manager: EntityManager, versionId: number): Promise<void> {
    const files = await manager.find(PackageFile, { where: { versionId } });
    for (const file of files) await this.dropBlobReference(manager, file.blobDigest);
    await manager.delete(PackageFile, { versionId });
    await manager.delete(PackageVersion, { id: versionId });
  }

  /**
   * Sets a version whose files name blobs already stored (a Docker tag: its manifest and the blobs
   * that manifest references), inside the caller's transaction: a version of that name is replaced
   * with its files and references, so the new row's id and `createdAt` tell when it last changed.
   * Each file takes one reference on its blob; a blob without a row is a NotFoundError (BLOB_UNKNOWN)
   * and the caller's transaction rolls back. `artifactType` marks a version that is an artifact
   * (listed, never the latest).
   */
  async putBlobVersion(manager: EntityManager, packageId: number, name: string, metadata: Record<string, unknown>, files: BlobFile[], artifactType: string | null = null): Promise<PackageVersion> {
    const existing = await manager.findOne(PackageVersion, { where: { packageId, version: name } });
    if (existing) await this.dropVersion(manager, existing.id);
    const now = new Date();
    const version = await manager.save(manager.create(PackageVersion, { packageId, version: name, metadata, artifactType, yanked: false, yankedReason: null, createdAt: now }));
    for (const file of files) {
      const updated = await manager.increment(Blob, { digest: file.digest }, 'refCount', 1);
      if ((updated.affected ?? 0) === 0) throw new NotFoundError(`blob ${file.digest} is not stored`, 'BLOB_UNKNOWN');
      await manager.insert(PackageFile, { packageId, versionId: version.id, filename: file.filename, blobDigest: file.digest, size: file.size, metadata: file.metadata as never, createdAt: now });
    }
    return version;
  }

  async deleteFile(file: PackageFile): Promise<void> {
    await withTransactionRetry(this.dataSource, async (manager) => {
      await this.dropBlobReference(manager, file.blobDigest);
      await manager.delete(PackageFile, { id: file.id });
      const remaining = await manager.count(PackageFile, { where: { versionId: file.versionId } });
      if (remaining === 0) await manager.delete(PackageVersion, { id: file.versionId });
    });
  }

  /** A presigned URL to answer a download with (S3 redirect mode), or null to stream. After the access check only. */
  async downloadUrl(file: PackageFile): Promise<string | null> {
    if (file.size === 0 || !this.blobs.downloadUrl) return null;
    return this.blobs.downloadUrl(file.blobDigest);
  }

  async openFile(file: PackageFile, range?: ByteRange): Promise<Readable> {
    try {
      return await this.blobs.open(file.blobDigest, range);
    } catch (error) {
      throw this.missingContent(file, error);
    }
  }

  /** A file's bytes for a download response (`sendBlobBody`). */
  async openBody(file: PackageFile, range?: ByteRange): Promise<BlobBody> {
    try {
      return await openBlobBody(this.blobs, file.blobDigest, range);
    } catch (error) {
      throw this.missingContent(file, error);
    }
  }

  private missingContent(file: PackageFile, error: unknown): unknown {
    if (classifyDependencyFailure(error)) return error;
    return new NotFoundError(`content of ${file.filename} is missing from storage`);
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
