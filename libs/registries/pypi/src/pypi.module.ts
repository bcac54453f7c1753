import { DynamicModule, Module } from '@nestjs/common';
import { PypiFilesController } from './controllers/pypi-files.controller';
import { PypiFilesService } from './services/pypi-files.service';
import { PYPI_OPTIONS, PypiOptions, pypiOptions } from './pypi-options';
import { PypiProjectsService } from './services/pypi-projects.service';
import { PypiReleasesController } from './controllers/pypi-releases.controller';
import { PypiReleasesService } from './services/pypi-releases.service';
import { PypiIndexService } from './services/pypi-index.service';
import { PypiSimpleController } from './controllers/pypi-simple.controller';
import { PypiUploadController } from './controllers/pypi-upload.controller';
import { PypiUploadService } from './services/pypi-upload.service';
import { PypiUpstreamService } from './upstream/pypi-upstream.service';

/**
 * The Python registry at `/{org}/pypi/`: twine uploads, the simple index for pip, file downloads,
 * and REST routes to yank/delete releases. Wire protocol only: storage is the core package service,
 * decisions are the evaluator's.
 */
@Module({})
export class PypiModule {
  static forRoot(config: { publicUrl: string; pypiMaxFileBytes?: number }, options: Partial<PypiOptions> = {}): DynamicModule {
    return {
      module: PypiModule,
      controllers: [PypiUploadController, PypiSimpleController, PypiFilesController, PypiReleasesController],
      providers: [
        { provide: PYPI_OPTIONS, useValue: { ...pypiOptions(config), ...options } },
        PypiProjectsService,
        PypiIndexService,
        PypiFilesService,
        PypiUploadService,
        PypiReleasesService,
        PypiUpstreamService,
      ],
    };
  }
}
