import type { DynamicModule } from '@nestjs/common';
import type { PackgateConfig } from './config/config';

/**
 * Format modules (PyPI, npm, Docker). Each exposes `forRoot(config)` and speaks only its wire
 * protocol on top of the core package service, the auth group and the evaluator.
 */
export interface RegistryModuleFactory {
  forRoot(config: PackgateConfig): DynamicModule;
}

export const REGISTRY_MODULES: RegistryModuleFactory[] = [];
