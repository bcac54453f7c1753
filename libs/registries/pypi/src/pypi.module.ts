import { DynamicModule, Module } from '@nestjs/common';
import { PypiFilesController } from './files/pypi-files.controller';
import { PypiFilesService } from './files/pypi-files.service';
import { PYPI_OPTIONS, PypiOptions, pypiOptions } from './pypi-options';
import { PypiProjectsService } from './pypi-projects.service';
import { PypiReleasesController } from './releases/pypi-releases.controller';
import { PypiReleasesService } from './releases/pypi-releases.service';
import { PypiIndexService } from './simple/pypi-index.service';
import { PypiSimpleController } from './simple/pypi-simple.controller';
import { PypiUploadController } from './upload/pypi-upload.controller';
import { PypiUploadService } from './upload/pypi-upload.service';
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
