import { InvalidInputError } from '@packgate/registries/core';
import { isValidVersion } from './pep440';

/**
 * The legacy upload form (twine `repository.py`, warehouse `forklift/forms.py`): validation of the
 * fields the registry relies on, and the metadata kept with the release. Pure.
 */
export type FormFields = ReadonlyMap<string, readonly string[]>;

export interface UploadDigests {
  sha256?: string;
  md5?: string;
  blake2_256?: string;
}

export interface UploadForm {
  name: string;
  version: string;
  filetype: 'bdist_wheel' | 'sdist';
  pyversion: string;
  digests: UploadDigests;
  requiresPython: string | null;
  /** Core metadata fields kept on the version (bounded in size). */
  metadata: Record<string, unknown>;
}

/** PEP 508 project name. */
const NAME_PATTERN = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;
const MAX_NAME = 200;
/** Single-valued metadata fields twine sends (empty ones are dropped). */
const SCALAR_FIELDS = [
  'metadata_version', 'summary', 'home_page', 'author', 'author_email', 'maintainer', 'maintainer_email', 'license', 'license_expression',
  'description', 'description_content_type', 'keywords', 'download_url', 'requires_python',
];
/** Repeated fields (lists). */
const LIST_FIELDS = ['classifiers', 'requires_dist', 'provides_dist', 'obsoletes_dist', 'requires_external', 'project_urls', 'platform', 'supported_platform', 'provides_extra', 'license_file', 'dynamic'];
/** MySQL TEXT holds 65535 bytes; stay well below with the JSON of the version metadata. */
export const MAX_METADATA_BYTES = 60_000;

function single(fields: FormFields, key: string): string | undefined {
  const values = fields.get(key);
  if (!values || values.length === 0) return undefined;
  if (values.length > 1) throw new InvalidInputError(`field ${key} was sent ${values.length} times; it takes one value`);
  return values[0];
}

function required(fields: FormFields, key: string): string {
  const value = single(fields, key)?.trim();
  if (!value) throw new InvalidInputError(`missing required field ${key}`);
  return value;
}

function digest(fields: FormFields, key: string, hexLength: number): string | undefined {
  const value = single(fields, key)?.trim().toLowerCase();
  if (!value) return undefined;
  if (!new RegExp(`^[a-f0-9]{${hexLength}}$`).test(value)) throw new InvalidInputError(`${key} must be ${hexLength} hex characters`);
  return value;
}

export function parseUploadForm(fields: FormFields): UploadForm {
  const action = single(fields, ':action');
  if (action !== undefined && action !== 'file_upload') throw new InvalidInputError(`unsupported :action ${action.slice(0, 40)}`);
  const protocol = single(fields, 'protocol_version');
  if (protocol !== undefined && protocol !== '1') throw new InvalidInputError(`unknown protocol_version ${protocol.slice(0, 10)}`);
  const name = required(fields, 'name');
  if (name.length > MAX_NAME || !NAME_PATTERN.test(name)) throw new InvalidInputError(`invalid project name ${name.slice(0, 80)}`);
  const version = required(fields, 'version');
  if (!isValidVersion(version)) throw new InvalidInputError(`version ${version.slice(0, 80)} is not a valid PEP 440 version`);
  const filetype = required(fields, 'filetype');
  if (filetype !== 'bdist_wheel' && filetype !== 'sdist') throw new InvalidInputError(`unsupported filetype ${filetype.slice(0, 40)} (bdist_wheel or sdist)`);
  const sent = single(fields, 'pyversion')?.trim() ?? '';
  if (filetype === 'bdist_wheel' && (!sent || sent === 'source')) throw new InvalidInputError('a wheel needs pyversion (its python tag)');
  if (filetype === 'sdist' && sent !== '' && sent !== 'source') throw new InvalidInputError('an sdist takes pyversion "source" (or none)');
  const pyversion = filetype === 'sdist' ? 'source' : sent;
  const digests: UploadDigests = {
    sha256: digest(fields, 'sha256_digest', 64),
    md5: digest(fields, 'md5_digest', 32),
    blake2_256: digest(fields, 'blake2_256_digest', 64),
  };
  if (!digests.sha256 && !digests.md5 && !digests.blake2_256) throw new InvalidInputError('send at least one of sha256_digest, md5_digest, blake2_256_digest');
  const requiresPython = single(fields, 'requires_python')?.trim() || null;
  return { name, version, filetype, pyversion, digests, requiresPython, metadata: collectMetadata(fields) };
}

/** The metadata kept on the version: non-empty fields; the description is cut to fit the column. */
export function collectMetadata(fields: FormFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SCALAR_FIELDS) {
    const value = fields.get(key)?.[0];
    if (value !== undefined && value.trim() !== '') out[key] = value;
  }
  for (const key of LIST_FIELDS) {
    const values = (fields.get(key) ?? []).filter((value) => value.trim() !== '');
    if (values.length > 0) out[key] = values;
  }
  let size = Buffer.byteLength(JSON.stringify(out));
  if (size > MAX_METADATA_BYTES && typeof out.description === 'string') {
    const description = out.description;
    const room = Math.max(0, Buffer.byteLength(description) - (size - MAX_METADATA_BYTES) - 64);
    out.description = Buffer.from(description).subarray(0, room).toString('utf8').replace(/\uFFFD$/, '');
    out.description_truncated = true;
    size = Buffer.byteLength(JSON.stringify(out));
  }
  if (size > MAX_METADATA_BYTES) throw new InvalidInputError(`metadata fields too large (${size} bytes; at most ${MAX_METADATA_BYTES} besides the description)`);
  return out;
}
