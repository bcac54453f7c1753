import type { PackageType } from '@packgate/auth';

/** PEP 503: lower-case, runs of `-`, `_`, `.` become one `-`. */
export function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The key a package is stored and looked up under, per format. */
export function normalizePackageName(type: PackageType, name: string): string {
  switch (type) {
    case 'pypi':
      return normalizePypiName(name);
    case 'npm':
    case 'docker':
      return name.toLowerCase();
  }
}
