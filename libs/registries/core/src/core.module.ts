import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import * as path from 'node:path';
import { Blob, Package, PackageFile, PackageVersion } from './entities';
import { BlobReferenceRegistry } from './gc/blob-references';
import { GC_OPTIONS, GarbageCollector } from './gc/garbage-collector.service';
import { GcController } from './gc/gc.controller';
import { PackageAccess } from './access/package-access.service';
import { PackageContentsRegistry } from './package-contents';
import { PackageService } from './package.service';
import { BLOB_STORE } from './storage/blob-store';
import { FsBlobStore } from './storage/fs-blob-store';
import { STAGING_OPTIONS, StagingReclaimer } from './storage/staging-reclaimer';
import { CredentialCipher, UPSTREAM_CIPHER } from './upstream/credential-cipher';
import { UpstreamMetadataCache } from './upstream/metadata-cache.service';
import { UpstreamRouter } from './upstream/source-decision';
import { UpstreamCachePruner } from './upstream/upstream-cache-pruner';
import { DEFAULT_UPSTREAM_CLIENT_OPTIONS, UPSTREAM_CLIENT_OPTIONS, UpstreamClient, UpstreamClientOptions } from './upstream/upstream-client';
import { UpstreamFileCache } from './upstream/upstream-file-cache.service';
import { UpstreamGate } from './upstream/upstream-gate';
import { UpstreamSettingsService } from './upstream/upstream-settings.service';
import { UPSTREAM_ENTITIES } from './upstream';

/** Package storage shared by every format module. */
@Global()
@Module({})
export class RegistryCoreModule {
  static forRoot(options: {
    dataDir: string;
    stagingGraceSeconds?: number;
    gcGraceSeconds?: number;
    /** The server secret: upstream credentials are sealed with a key derived from it. */
    secret: Buffer;
    upstreamClient?: Partial<UpstreamClientOptions>;
  }): DynamicModule {
    const upstreamProviders = [
      { provide: UPSTREAM_CIPHER, useValue: new CredentialCipher(options.secret) },
      { provide: UPSTREAM_CLIENT_OPTIONS, useValue: { ...DEFAULT_UPSTREAM_CLIENT_OPTIONS, ...options.upstreamClient } },
      UpstreamSettingsService,
      UpstreamRouter,
      UpstreamGate,
      UpstreamClient,
      UpstreamMetadataCache,
      UpstreamFileCache,
      UpstreamCachePruner,
    ];
    return {
      module: RegistryCoreModule,
      imports: [TypeOrmModule.forFeature([Package, PackageVersion, PackageFile, Blob, ...UPSTREAM_ENTITIES])],
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
        PackageContentsRegistry,
        { provide: GC_OPTIONS, useValue: { graceSeconds: options.gcGraceSeconds ?? 3600 } },
        BlobReferenceRegistry,
        GarbageCollector,
        PackageAccess,
        ...upstreamProviders,
      ],
      exports: [
        BLOB_STORE,
        StagingReclaimer,
        PackageService,
        PackageContentsRegistry,
        BlobReferenceRegistry,
        GarbageCollector,
        PackageAccess,
        TypeOrmModule,
        UpstreamSettingsService,
        UpstreamRouter,
        UpstreamGate,
        UpstreamClient,
        UpstreamMetadataCache,
        UpstreamFileCache,
        UpstreamCachePruner,
      ],
    };
  }
}
