import type { UploadLimits } from './upload/multipart-upload';

export const PYPI_OPTIONS = Symbol('PYPI_OPTIONS');

/** Limits of the PyPI module (README "PyPI"). */
export interface PypiOptions extends UploadLimits {
  /** Seconds a rendered project page may be reused by this node (0 = never). */
  indexCacheSeconds: number;
}

export function pypiOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): PypiOptions {
  const mb = Number(env.PACKGATE_PYPI_MAX_FILE_MB ?? '');
  return {
    maxFileBytes: Number.isFinite(mb) && mb > 0 ? Math.floor(mb * 1024 * 1024) : 512 * 1024 * 1024,
    maxFieldBytes: 1024 * 1024,
    maxFields: 200,
    indexCacheSeconds: 0,
  };
}
