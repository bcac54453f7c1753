import { DockerModule } from '@packgate/registries/docker';
import type { DynamicModule } from '@nestjs/common';
import { NpmModule } from '@packgate/registries/npm';
import type { PackgateConfig } from './config/config';
import { PypiModule } from '@packgate/registries/pypi';

/**
 * Format modules (PyPI, npm, Docker). Each exposes `forRoot(config)` and speaks only its wire
 * protocol on top of the core package service, the auth group and the evaluator.
 */
export interface RegistryModuleFactory {
  forRoot(config: PackgateConfig): DynamicModule;
}

export const REGISTRY_MODULES: RegistryModuleFactory[] = [DockerModule, PypiModule, NpmModule];
