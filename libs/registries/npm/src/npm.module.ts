import { DynamicModule, Module } from '@nestjs/common';
import { ChangesService } from './services/changes.service';
import { DistTagsController } from './controllers/dist-tags.controller';
import { MiscController } from './controllers/misc.controller';
import { PackumentController } from './controllers/packument.controller';
import { TarballController } from './controllers/tarball.controller';
import { NpmTokensController } from './controllers/tokens.controller';
import { NpmAccessService } from './services/npm-access.service';
import { NpmExceptionFilter } from './npm-exception.filter';
import { DEFAULT_MAX_BODY, NPM_OPTIONS } from './npm-options';
import { NpmTokensService } from './services/npm-tokens.service';
import { PackumentService } from './services/packument.service';
import { PublishService } from './services/publish.service';
import { SearchService } from './services/search.service';
import { NpmUpstreamService } from './upstream/npm-upstream.service';

/**
 * The npm registry at `/{org}/npm/`: wire protocol only, on top of the core package
 * service, the global auth group and the one evaluator.
 */
@Module({})
export class NpmModule {
  /** Controllers are registered in this order: the fixed `/-/...` routes before the `:name` ones. */
  static forRoot(config: { publicUrl: string; npmMaxBodyBytes?: number }): DynamicModule {
    return {
      module: NpmModule,
      controllers: [MiscController, NpmTokensController, DistTagsController, TarballController, PackumentController],
      providers: [
        { provide: NPM_OPTIONS, useValue: { config, maxBodyBytes: config.npmMaxBodyBytes ?? DEFAULT_MAX_BODY } },
        NpmAccessService,
        PackumentService,
        PublishService,
        ChangesService,
        SearchService,
        NpmTokensService,
        NpmExceptionFilter,
        NpmUpstreamService,
      ],
    };
  }
}
