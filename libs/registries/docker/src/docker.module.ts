import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { BlobReferenceRegistry } from '@packgate/registries/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Blob, PackageFile, PackageVersion } from '@packgate/registries/core';
import { RegistryTokenService } from './auth/registry-token.service';
import { RegistryTokenStrategy } from './auth/registry-token.strategy';
import { RepositoryAccessService } from './auth/repository-access.service';
import { dockerOptionsProvider } from './docker-options';
import { DockerBlobLink, DockerManifest, DockerUploadSession } from './entities';
import { BlobUploadsHandler } from './services/blob-uploads.handler';
import { BlobsHandler } from './services/blobs.handler';
import { ManifestsHandler } from './services/manifests.handler';
import { ReferrersHandler } from './services/referrers.handler';
import { TagsHandler } from './services/tags.handler';
import { RegistryController } from './controllers/registry.controller';
import { DockerBlobReferences } from './services/docker-blob-references';
import { RepositoryService } from './services/repository.service';
import { UploadSessions } from './services/upload-sessions';
import { TokenController } from './controllers/token.controller';
import { PullThroughService } from './upstream/pull-through.service';
import { dockerUpstreamClientProvider } from './upstream/upstream-client.provider';
import { UpstreamRepositories } from './upstream/upstream-repositories';

/**
 * Docker/OCI registry (`/v2`, token realm `/v2/token`) on top of the core package service, the auth
 * group (plus the registry-token strategy registered here) and the one evaluator.
 */
@Module({})
export class DockerModule implements OnModuleInit {
  constructor(
    private readonly blobReferences: BlobReferenceRegistry,
    private readonly dockerReferences: DockerBlobReferences,
  ) {}

  static forRoot(config: { publicUrl: string }): DynamicModule {
    return {
      module: DockerModule,
      imports: [TypeOrmModule.forFeature([DockerManifest, DockerBlobLink, DockerUploadSession, Blob, PackageVersion, PackageFile])],
      // The token controller comes first: `/v2/token` must not fall into the `/v2/*path` dispatcher.
      controllers: [TokenController, RegistryController],
      providers: [
        dockerOptionsProvider(config),
        RegistryTokenService,
        RegistryTokenStrategy,
        RepositoryAccessService,
        RepositoryService,
        UploadSessions,
        BlobsHandler,
        BlobUploadsHandler,
        ManifestsHandler,
        TagsHandler,
        ReferrersHandler,
        DockerBlobReferences,
        dockerUpstreamClientProvider,
        UpstreamRepositories,
        PullThroughService,
      ],
    };
  }

  onModuleInit(): void {
    this.blobReferences.register('docker', this.dockerReferences);
  }
}
