/**
 * The core files of a tag (a core version): its manifest and each distinct blob the manifest
 * references. File names are `<tag>@<digest>`, since file names are unique per package and several
 * tags name the same manifest and blobs; cut at the column's 255 characters (a 128-character tag
 * with a sha512 digest), which still leaves over 100 hex digits of the digest. The file's blob is
 * the digest itself.
 */
export function tagFileName(tag: string, digest: string): string {
  return `${tag}@${digest}`.slice(0, 255);
}

export function manifestFileMetadata(mediaType: string): Record<string, unknown> {
  return { kind: 'manifest', mediaType };
}

export const BLOB_FILE_METADATA: Readonly<Record<string, unknown>> = Object.freeze({ kind: 'blob' });
