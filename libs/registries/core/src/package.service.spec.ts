import { InvalidationBus } from '@packgate/auth';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { Blob } from './entities/blob.entity';
import { PackageFile } from './entities/package-file.entity';
import { PackageVersion } from './entities/package-version.entity';
import { Package } from './entities/package.entity';
import { ConflictError, NotFoundError } from './errors';
import { PackageService } from './package.service';
import type { BlobStore, StagedBlob } from './storage/blob-store';

/**
 * PackageService over in-memory tables: the package cache, duplicate uploads, and versions of
 * content-addressed formats (Docker tags) with their blob references.
 */

type Row = Record<string, unknown>;
const matches = (row: Row, where: Row = {}) => Object.entries(where).every(([key, value]) => row[key] === value);

/** The EntityManager/Repository calls PackageService makes, over one table per entity class. */
function memoryDatabase() {
  const tables = new Map<unknown, Row[]>([[Package, []], [PackageVersion, []], [PackageFile, []], [Blob, []]]);
  let nextId = 1;
  const table = (entity: unknown) => tables.get(entity)!;
  const manager = {
    create: (_entity: unknown, values: Row) => ({ ...values }),
    findOne: async (entity: unknown, { where }: { where: Row }) => table(entity).find((row) => matches(row, where)) ?? null,
    find: async (entity: unknown, options: { where?: Row } = {}) => table(entity).filter((row) => matches(row, options.where)),
    count: async (entity: unknown, { where }: { where: Row }) => table(entity).filter((row) => matches(row, where)).length,
    save: async (...args: unknown[]) => {
      const row = (args.length === 2 ? args[1] : args[0]) as Row;
      const entity = args.length === 2 ? args[0] : row.version !== undefined ? PackageVersion : row.filename !== undefined ? PackageFile : Package;
      if (row.id === undefined) row.id = nextId++;
      table(entity).push(row);
      return row;
    },
    insert: async (entity: unknown, values: Row) => void table(entity).push({ id: nextId++, ...values }),
    update: async (entity: unknown, where: Row, changes: Row) => {
      const rows = table(entity).filter((row) => matches(row, where));
      for (const row of rows) Object.assign(row, changes);
      return { affected: rows.length };
    },
    delete: async (entity: unknown, where: Row) => {
      const rows = table(entity);
      const keep = rows.filter((row) => !matches(row, where));
      const affected = rows.length - keep.length;
      rows.splice(0, rows.length, ...keep);
      return { affected };
    },
    increment: async (entity: unknown, where: Row, column: string, by: number) => {
      const rows = table(entity).filter((row) => matches(row, where));
      for (const row of rows) row[column] = (row[column] as number) + by;
      return { affected: rows.length };
    },
    decrement: async (entity: unknown, where: Row, column: string, by: number) => manager.increment(entity, where, column, -by),
  };
  const dataSource = { transaction: async (work: (m: typeof manager) => Promise<unknown>) => work(manager), options: { type: 'sqlite' } } as unknown as DataSource;
  const repository = (entity: unknown) => {
    const calls = { findOne: 0 };
    const repo = {
      calls,
      create: (values: Row) => ({ ...values }),
      findOne: async (options: { where: Row }) => (calls.findOne++, manager.findOne(entity, options)),
      find: async (options: { where?: Row }) => manager.find(entity, options),
      update: async (where: Row, changes: Row) => manager.update(entity, where, changes),
    };
    return repo;
  };
  return { tables, table, manager: manager as unknown as EntityManager, dataSource, repository };
}

function setup() {
  const db = memoryDatabase();
  const packages = db.repository(Package);
  const service = new PackageService(
    db.dataSource,
    packages as unknown as Repository<Package>,
    db.repository(PackageVersion) as unknown as Repository<PackageVersion>,
    db.repository(PackageFile) as unknown as Repository<PackageFile>,
    {} as BlobStore,
    new InvalidationBus(),
  );
  const now = new Date();
  db.table(Package).push({ id: 100, orgId: 1, type: 'docker', name: 'app', normalizedName: 'app', private: true, permissionMode: 'standard', metadata: { tags: ['a'] }, createdAt: now, updatedAt: now });
  for (const [digest, size] of [['sha256:m1', 10], ['sha256:m2', 20], ['sha256:l1', 300], ['sha256:l2', 400]] as const) db.table(Blob).push({ digest, size, refCount: 1, createdAt: now });
  return { db, packages, service };
}

const ref = { orgId: 1, type: 'docker' as const, normalizedName: 'app' };
const refCount = (db: ReturnType<typeof memoryDatabase>, digest: string) => db.table(Blob).find((row) => row.digest === digest)!.refCount;
const files = (name: string, digests: string[]) => digests.map((digest) => ({ filename: `${name}@${digest}`, digest, size: 1, metadata: {} }));

describe('PackageService', () => {
  it('serves a package row from its cache as a copy the caller may change, until it is forgotten', async () => {
    const { service, packages, db } = setup();
    const first = (await service.findPackage(ref))!;
    first.metadata.tags = ['changed'];
    first.private = false;
    const second = (await service.findPackage(ref))!;
    expect(second.metadata).toEqual({ tags: ['a'] });
    expect(second.private).toBe(true);
    expect(packages.calls.findOne).toBe(1);
    db.table(Package)[0].private = false;
    service.forget(ref);
    expect((await service.findPackage(ref))!.private).toBe(false);
    expect(packages.calls.findOne).toBe(2);
    expect(await service.findPackage({ ...ref, normalizedName: 'missing' })).toBeNull();
  });

  it('refuses a second upload of a filename before committing anything, and discards the staged bytes', async () => {
    const { service, db } = setup();
    db.table(PackageFile).push({ id: 7, packageId: 100, versionId: 1, filename: 'app-1.0.tgz', blobDigest: 'sha256:l1', size: 300, metadata: {}, createdAt: new Date() });
    let discarded = 0;
    let committed = 0;
    const staged = { digest: 'sha256:new', size: 5, discard: async () => void discarded++, commit: async () => void committed++ } as unknown as StagedBlob;
    const upload = service.addFile({ orgId: 1, type: 'docker', name: 'app', normalizedName: 'app', version: '1.0', versionMetadata: {}, filename: 'app-1.0.tgz', staged, fileMetadata: {} });
    await expect(upload).rejects.toBeInstanceOf(ConflictError);
    expect({ discarded, committed }).toEqual({ discarded: 1, committed: 0 });
    expect(db.table(Blob).some((row) => row.digest === 'sha256:new')).toBe(false);
  });

  it('puts a version of stored blobs: one reference per file, and moving it gives back the old references', async () => {
    const { service, db } = setup();
    const v1 = await service.putBlobVersion(db.manager, 100, 'v1', { manifestDigest: 'sha256:m1' }, files('v1', ['sha256:m1', 'sha256:l1']));
    expect(db.table(PackageFile).filter((row) => row.versionId === v1.id).map((row) => row.filename)).toEqual(['v1@sha256:m1', 'v1@sha256:l1']);
    expect([refCount(db, 'sha256:m1'), refCount(db, 'sha256:l1')]).toEqual([2, 2]);

    const moved = await service.putBlobVersion(db.manager, 100, 'v1', { manifestDigest: 'sha256:m2' }, files('v1', ['sha256:m2', 'sha256:l2']));
    expect(moved.id).not.toBe(v1.id);
    expect(db.table(PackageVersion).map((row) => row.version)).toEqual(['v1']);
    expect(db.table(PackageFile).map((row) => row.filename)).toEqual(['v1@sha256:m2', 'v1@sha256:l2']);
    expect([refCount(db, 'sha256:m1'), refCount(db, 'sha256:l1'), refCount(db, 'sha256:m2'), refCount(db, 'sha256:l2')]).toEqual([1, 1, 2, 2]);

    await service.dropVersion(db.manager, moved.id);
    expect(db.table(PackageVersion)).toEqual([]);
    expect(db.table(PackageFile)).toEqual([]);
    expect([refCount(db, 'sha256:m2'), refCount(db, 'sha256:l2')]).toEqual([1, 1]);
  });

  it('refuses a version naming a blob that is not stored (BLOB_UNKNOWN), for the caller to roll back', async () => {
    const { service, db } = setup();
    const put = service.putBlobVersion(db.manager, 100, 'v1', {}, files('v1', ['sha256:m1', 'sha256:gone']));
    await expect(put).rejects.toBeInstanceOf(NotFoundError);
    await expect(put).rejects.toMatchObject({ code: 'BLOB_UNKNOWN' });
  });
});
