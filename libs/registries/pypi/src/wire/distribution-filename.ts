import { normalizePypiName } from '@packgate/registries/core';
import { sameVersion } from './pep440';

/**
 * Distribution filenames (wheel: PEP 427/491 `{name}-{ver}(-{build})?-{py}-{abi}-{plat}.whl`;
 * sdist: PEP 625 `{name}-{ver}.tar.gz`, legacy `.zip`). Pure.
 */
export type DistributionKind = 'bdist_wheel' | 'sdist';

export interface DistributionFilename {
  kind: DistributionKind;
  /** Wheels: the escaped distribution part; sdists: the stem before the version. */
  name: string;
  version: string;
  /** Wheels only. */
  pythonTag?: string;
}

const MAX_FILENAME = 255;
const SAFE_FILENAME = /^[A-Za-z0-9][A-Za-z0-9._+!-]*$/;
const SDIST_SUFFIXES = ['.tar.gz', '.zip'];

/** Why a filename is unusable (path parts, odd characters, unknown extension), or null. */
export function filenameProblem(filename: string): string | null {
  if (filename.length === 0) return 'the content part has no filename';
  if (filename.length > MAX_FILENAME) return `filename longer than ${MAX_FILENAME} characters`;
  if (/[\\/]/.test(filename) || filename.includes('..')) return 'filename must not contain path separators or ".."';
  if (!SAFE_FILENAME.test(filename)) return 'filename contains characters outside [A-Za-z0-9._+!-]';
  if (!filename.endsWith('.whl') && !SDIST_SUFFIXES.some((suffix) => filename.endsWith(suffix))) {
    return 'only wheels (.whl) and sdists (.tar.gz, .zip) are accepted';
  }
  return null;
}

/**
 * Splits a filename into name and version, checked against the expected (form) name and version.
 * Returns the parsed parts, or a reason why the filename does not belong to that release.
 */
export function matchDistributionFilename(
  filename: string,
  expected: { name: string; version: string; filetype: string },
): { ok: true; parsed: DistributionFilename } | { ok: false; reason: string } {
  const problem = filenameProblem(filename);
  if (problem) return { ok: false, reason: problem };
  const wantName = normalizePypiName(expected.name);
  if (filename.endsWith('.whl')) {
    if (expected.filetype !== 'bdist_wheel') return { ok: false, reason: `a .whl file needs filetype bdist_wheel, not ${expected.filetype}` };
    const parts = filename.slice(0, -'.whl'.length).split('-');
    if (parts.length !== 5 && parts.length !== 6) return { ok: false, reason: `invalid wheel filename ${filename}` };
    const [name, version] = parts;
    if (normalizePypiName(name) !== wantName) return { ok: false, reason: `wheel filename ${filename} does not start with the project name ${expected.name}` };
    if (!sameVersion(version.replace(/_/g, '-'), expected.version)) {
      return { ok: false, reason: `wheel filename ${filename} does not carry version ${expected.version}` };
    }
    return { ok: true, parsed: { kind: 'bdist_wheel', name, version, pythonTag: parts[parts.length - 3] } };
  }
  if (expected.filetype !== 'sdist') return { ok: false, reason: `a source archive needs filetype sdist, not ${expected.filetype}` };
  const suffix = SDIST_SUFFIXES.find((candidate) => filename.endsWith(candidate))!;
  const stem = filename.slice(0, -suffix.length);
  for (let i = stem.indexOf('-'); i > 0; i = stem.indexOf('-', i + 1)) {
    const name = stem.slice(0, i);
    const version = stem.slice(i + 1);
    if (normalizePypiName(name) === wantName && sameVersion(version, expected.version)) {
      return { ok: true, parsed: { kind: 'sdist', name, version } };
    }
  }
  return { ok: false, reason: `sdist filename ${filename} does not match ${expected.name}-${expected.version}${suffix}` };
}
