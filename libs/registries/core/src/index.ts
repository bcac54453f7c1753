export * from './entities';
export * from './errors';
export * from './package.service';
export * from './core.module';
export * from './storage/blob-store';
export * from './storage/fs-blob-store';
export * from './names';
export * from './package-contents';
