import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from '@packgate/auth';
import { RegistryCoreModule } from '@packgate/registries/core';
import { AuditController } from './audit/audit.controller';
import { InstallationAuditController } from './audit/installation-audit.controller';
import { BootstrapService } from './bootstrap/bootstrap.service';
import type { PackgateConfig } from './config/config';
import { PACKGATE_CONFIG } from './config/config.constants';
import { dataSourceOptions } from './database/data-source';
import { HealthController } from './health/health.controller';
import { LogFlushOnShutdown } from './logging/log-destination';
import { loggerOptions } from './logging/logger-options';
import { MetricsController } from './metrics/metrics.controller';
import { OrgLookupService } from './orgs/org-lookup.service';
import { OrgRolesService } from './orgs/org-roles.service';
import { OrgsController } from './orgs/orgs.controller';
import { PackagesController } from './packages/packages.controller';
import { PackagesService } from './packages/packages.service';
import { RestExceptionFilter } from './rest/rest-exception.filter';
import { SessionController } from './session/session.controller';
import { TokensController } from './tokens/tokens.controller';
import { TokensService } from './tokens/tokens.service';
import { UsersController } from './users/users.controller';
import { UpstreamsController } from './upstreams/upstreams.controller';
import { REGISTRY_MODULES } from './registry-modules';
import { FeedModule } from './feed/feed.module';
import { TrustedPublishingModule } from './trusted-publishing/trusted-publishing.module';

@Module({})
export class AppModule {
  static forRoot(config: PackgateConfig, secret: Buffer): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot(loggerOptions(config)),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config), retryAttempts: 2, retryDelay: 1000 }),
        AuthModule.forRoot({
          secret,
          passwordCacheSeconds: config.passwordCacheSeconds,
          sessionHours: config.sessionHours,
          recordCacheSeconds: 10,
          throttle: { maxFailures: config.auth.maxFailures, maxFailuresPerAddress: config.auth.maxFailuresPerAddress, windowSeconds: config.auth.windowSeconds },
          hashing: { concurrency: config.auth.hashConcurrency, maxWaiting: 32 },
          maxTokenDays: config.maxTokenDays,
          publicUrl: () => config.publicUrl,
        }),
        RegistryCoreModule.forRoot({
          dataDir: config.dataDir,
          stagingGraceSeconds: config.stagingGraceSeconds,
          secret,
          upstreamClient: { connectTimeoutMs: config.upstream.connectTimeoutSeconds * 1000, timeoutMs: config.upstream.timeoutSeconds * 1000, maxDocumentBytes: config.upstream.maxDocumentBytes },
        }),
        ...REGISTRY_MODULES.map((module) => module.forRoot(config)),
        FeedModule,
        TrustedPublishingModule,
      ],
      controllers: [SessionController, UsersController, OrgsController, TokensController, PackagesController, AuditController, InstallationAuditController, HealthController, MetricsController, UpstreamsController],
      providers: [
        { provide: PACKGATE_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: RestExceptionFilter },
        OrgLookupService,
        OrgRolesService,
        TokensService,
        PackagesService,
        BootstrapService,
        LogFlushOnShutdown,
      ],
      exports: [PACKGATE_CONFIG],
      global: true,
    };
  }
}
