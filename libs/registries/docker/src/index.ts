export * from './docker.module';
export * from './entities';
export * from './database/docker-schema.migration';
export * from './database/docker-upload-sessions.migration';
export * from './database/docker-names-without-org.migration';
export * from './database/docker-tags-as-versions.migration';
export * from './database/docker-artifact-versions.migration';
