export * from './pypi.module';
export * from './pypi-options';
