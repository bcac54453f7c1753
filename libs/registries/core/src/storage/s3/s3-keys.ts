import { InvalidInputError } from '../../errors';
import { DIGEST_PATTERN, STAGING_ID } from '../hashing-counter';

const TOUCH_SUFFIX = '.touched';

/**
 * Object names inside the bucket: `<prefix>blobs/<algorithm>/<hex>` for committed blobs,
 * `<prefix>staging/<id>` for staged data and `<prefix>staging/<id>.touched` for the marker whose
 * time says when an idle staged upload was last used (S3 objects have no settable mtime).
 */
export class S3Keys {
  readonly blobsPrefix: string;
  readonly stagingPrefix: string;

  constructor(prefix: string) {
    this.blobsPrefix = `${prefix}blobs/`;
    this.stagingPrefix = `${prefix}staging/`;
  }

  /** Refuses anything that is not a well-formed digest (no key tricks). */
  blob(digest: string): string {
    const match = DIGEST_PATTERN.exec(digest);
    if (!match) throw new InvalidInputError(`not a valid digest: ${digest.slice(0, 80)}`);
    return `${this.blobsPrefix}${match[1]}/${match[2]}`;
  }

  /** The digest a blob key stands for, or null for anything else under the prefix. */
  digestOf(key: string): string | null {
    if (!key.startsWith(this.blobsPrefix)) return null;
    const digest = key.slice(this.blobsPrefix.length).replace('/', ':');
    return DIGEST_PATTERN.test(digest) ? digest : null;
  }

  staging(id: string): string {
    return `${this.stagingPrefix}${id}`;
  }

  touched(id: string): string {
    return `${this.stagingPrefix}${id}${TOUCH_SUFFIX}`;
  }

  /** `{id, marker}` of a staging key, or null for a key that is not ours. */
  parseStaging(key: string): { id: string; marker: boolean } | null {
    if (!key.startsWith(this.stagingPrefix)) return null;
    const name = key.slice(this.stagingPrefix.length);
    const marker = name.endsWith(TOUCH_SUFFIX);
    const id = marker ? name.slice(0, -TOUCH_SUFFIX.length) : name;
    return STAGING_ID.test(id) ? { id, marker } : null;
  }
}

export function isStagingId(id: string): boolean {
  return STAGING_ID.test(id);
}
