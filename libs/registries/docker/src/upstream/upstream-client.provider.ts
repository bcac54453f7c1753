import type { Provider } from '@nestjs/common';
import { UPSTREAM_CLIENT_OPTIONS, UpstreamClientOptions } from '@packgate/registries/core';
import { UpstreamRegistryClient } from './upstream-registry-client';

export const DOCKER_UPSTREAM_CLIENT = Symbol('DOCKER_UPSTREAM_CLIENT');

/** One registry client per application (it caches upstream challenges and tokens), with the core's time bounds. */
export const dockerUpstreamClientProvider: Provider = {
  provide: DOCKER_UPSTREAM_CLIENT,
  inject: [UPSTREAM_CLIENT_OPTIONS],
  useFactory: (options: UpstreamClientOptions) =>
    new UpstreamRegistryClient({ headersTimeoutMs: options.connectTimeoutMs + options.timeoutMs, idleTimeoutMs: options.timeoutMs, maxManifestBytes: 4 * 1024 * 1024 }),
};
