import type { UploadLimits } from './wire/multipart-upload';

export const PYPI_OPTIONS = Symbol('PYPI_OPTIONS');

/** Limits of the PyPI module (README "PyPI"). */
export interface PypiOptions extends UploadLimits {
  /** Seconds a rendered project page may be reused by this node (0 = never). */
  indexCacheSeconds: number;
}

/** Default file limit when the application config does not set one. */
export const DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024;

export function pypiOptions(config: { pypiMaxFileBytes?: number }): PypiOptions {
  return {
    maxFileBytes: config.pypiMaxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    maxFieldBytes: 1024 * 1024,
    maxFields: 200,
    indexCacheSeconds: 0,
  };
}
