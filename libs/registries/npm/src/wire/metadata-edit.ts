import { InvalidInputError } from '@packgate/registries/core';
import type { NpmName } from './npm-names';
import { isRecord } from './publish-document';

/**
 * A PUT without a tarball edits metadata (pure). npm sends back the whole document it read with
 * `?write=true`, changed (docs/clients.md):
 * - `npm deprecate` / `undeprecate`: `PUT /<name>`, `versions[v].deprecated` set (`""` clears it);
 * - `npm unpublish p@v`: `PUT /<name>/-rev/<rev>` with that version left out.
 */
export interface MetadataEdit {
  /** message, or null to clear. */
  deprecations: { version: string; message: string | null }[];
  removals: string[];
}

export function planMetadataEdit(doc: Record<string, unknown>, name: NpmName, stored: ReadonlyMap<string, Record<string, unknown>>, allowRemoval: boolean): MetadataEdit {
  if (doc.name !== undefined && doc.name !== name.full) throw new InvalidInputError(`package name in the body does not match the URL (${name.full})`, 'NAME_MISMATCH');
  if (doc._id !== undefined && doc._id !== name.full) throw new InvalidInputError(`_id in the body does not match the URL (${name.full})`, 'NAME_MISMATCH');
  if (doc.versions === undefined) return { deprecations: [], removals: [] };
  if (!isRecord(doc.versions)) throw new InvalidInputError('versions must be an object');
  const deprecations: MetadataEdit['deprecations'] = [];
  for (const [version, manifest] of Object.entries(doc.versions)) {
    const current = stored.get(version);
    if (!current) throw new InvalidInputError(`version ${version.slice(0, 64)} does not exist: publish it with its tarball`, 'UNKNOWN_VERSION');
    if (!isRecord(manifest) || manifest.deprecated === undefined) continue;
    if (typeof manifest.deprecated !== 'string') throw new InvalidInputError(`versions["${version}"].deprecated must be a string`);
    const next = manifest.deprecated === '' ? null : manifest.deprecated.slice(0, 1024);
    const before = typeof current.deprecated === 'string' ? current.deprecated : null;
    if (next !== before) deprecations.push({ version, message: next });
  }
  const removals = allowRemoval ? [...stored.keys()].filter((version) => !(version in (doc.versions as object))) : [];
  return { deprecations, removals };
}
