export * from './npm.module';
export * from './npm-options';
