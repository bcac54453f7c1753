import type { Provider } from '@nestjs/common';

/** Settings of the Docker module, taken from the application config at start. */
export interface DockerOptions {
  /** The `service` of the Bearer challenge and of issued tokens. */
  readonly service: string;
  /** Absolute base URL (read at request time: tests learn the port after the app is built). */
  publicUrl(): string;
  /** Largest manifest accepted (the spec asks registries to accept at least 4 MiB). */
  readonly maxManifestBytes: number;
  /** Largest blob accepted. */
  readonly maxBlobBytes: number;
  /** An upload session idle this long is discarded with its data. */
  readonly uploadIdleSeconds: number;
}

export const DOCKER_OPTIONS = Symbol('DOCKER_OPTIONS');

export function dockerOptionsProvider(config: { publicUrl: string }): Provider {
  return {
    provide: DOCKER_OPTIONS,
    useValue: {
      service: 'packgate',
      publicUrl: () => config.publicUrl,
      maxManifestBytes: 4 * 1024 * 1024,
      maxBlobBytes: 64 * 1024 * 1024 * 1024,
      uploadIdleSeconds: 3600,
    } satisfies DockerOptions,
  };
}
