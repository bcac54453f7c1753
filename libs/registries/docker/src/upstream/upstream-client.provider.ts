import type { Provider } from '@nestjs/common';
import { UpstreamClient } from '@packgate/registries/core';
import { UpstreamRegistryClient } from './upstream-registry-client';

export const DOCKER_UPSTREAM_CLIENT = Symbol('DOCKER_UPSTREAM_CLIENT');

/** Manifests larger than this are refused, as on push (the spec asks registries to accept 4 MiB). */
const MAX_UPSTREAM_MANIFEST_BYTES = 4 * 1024 * 1024;

/** One registry client per application (it caches upstream challenges and tokens) on the core's HTTP client. */
export const dockerUpstreamClientProvider: Provider = {
  provide: DOCKER_UPSTREAM_CLIENT,
  inject: [UpstreamClient],
  useFactory: (http: UpstreamClient) => new UpstreamRegistryClient(http, MAX_UPSTREAM_MANIFEST_BYTES),
};
