export * from './package.entity';
export * from './package-version.entity';
export * from './package-file.entity';
export * from './blob.entity';
