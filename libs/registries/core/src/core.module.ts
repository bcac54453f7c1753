import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Blob, Package, PackageFile, PackageVersion } from './entities';
import { BlobReferenceRegistry } from './gc/blob-references';
import { GC_OPTIONS, GarbageCollector } from './gc/garbage-collector.service';
import { GcController } from './gc/gc.controller';
import { PackageAccess } from './access/package-access.service';
import { PackageContentsRegistry } from './package-contents';
import { PackageService } from './package.service';
import { BLOB_STORE } from './storage/blob-store';
import { BlobStoreSettings, createBlobStore } from './storage/blob-store-factory';
import { STAGING_OPTIONS, StagingReclaimer } from './storage/staging-reclaimer';

/** Package storage shared by every format module. */
@Global()
@Module({})
export class RegistryCoreModule {
  static forRoot(options: { dataDir: string; stagingGraceSeconds?: number; gcGraceSeconds?: number; blobStore?: BlobStoreSettings; minFreeDiskBytes?: number }): DynamicModule {
    return {
      module: RegistryCoreModule,
      imports: [TypeOrmModule.forFeature([Package, PackageVersion, PackageFile, Blob])],
      controllers: [GcController],
      providers: [
        {
          provide: BLOB_STORE,
          useFactory: () => createBlobStore(options.blobStore ?? { kind: 'fs' }, options.dataDir, options.minFreeDiskBytes),
        },
        { provide: STAGING_OPTIONS, useValue: { graceSeconds: options.stagingGraceSeconds ?? 3600 } },
        StagingReclaimer,
        PackageService,
        PackageContentsRegistry,
        { provide: GC_OPTIONS, useValue: { graceSeconds: options.gcGraceSeconds ?? 3600 } },
        BlobReferenceRegistry,
        GarbageCollector,
        PackageAccess,
      ],
      exports: [BLOB_STORE, StagingReclaimer, PackageService, PackageContentsRegistry, BlobReferenceRegistry, GarbageCollector, PackageAccess, TypeOrmModule],
    };
  }
}
