import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import * as path from 'node:path';
import { Blob, Package, PackageFile, PackageVersion } from './entities';
import { BlobReferenceRegistry } from './gc/blob-references';
import { GC_OPTIONS, GarbageCollector } from './gc/garbage-collector.service';
import { GcController } from './gc/gc.controller';
import { PackageAccess } from './access/package-access.service';
import { PackageAccessGuard } from './access/package-access.guard';
import { PackageService } from './package.service';
import { BLOB_STORE } from './storage/blob-store';
import { FsBlobStore } from './storage/fs-blob-store';
import { STAGING_OPTIONS, StagingReclaimer } from './storage/staging-reclaimer';

/** Package storage shared by every format module. */
@Global()
@Module({})
export class RegistryCoreModule {
  static forRoot(options: { dataDir: string; stagingGraceSeconds?: number; gcGraceSeconds?: number }): DynamicModule {
    return {
      module: RegistryCoreModule,
      imports: [TypeOrmModule.forFeature([Package, PackageVersion, PackageFile, Blob])],
      controllers: [GcController],
      providers: [
        {
          provide: BLOB_STORE,
          useFactory: async () => {
            const store = new FsBlobStore(path.join(options.dataDir, 'blobs'));
            await store.init();
            return store;
          },
        },
        { provide: STAGING_OPTIONS, useValue: { graceSeconds: options.stagingGraceSeconds ?? 3600 } },
        StagingReclaimer,
        PackageService,
        { provide: GC_OPTIONS, useValue: { graceSeconds: options.gcGraceSeconds ?? 3600 } },
        BlobReferenceRegistry,
        GarbageCollector,
        PackageAccess,
        PackageAccessGuard,
      ],
      exports: [BLOB_STORE, StagingReclaimer, PackageService, BlobReferenceRegistry, GarbageCollector, PackageAccess, PackageAccessGuard, TypeOrmModule],
    };
  }
}
