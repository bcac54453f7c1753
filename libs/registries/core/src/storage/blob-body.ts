import type { BlobBody, BlobStore, ByteRange } from './blob-store';

/** A blob's bytes for a download: the local file when the store has one, else its stream. */
export async function openBlobBody(store: BlobStore, digest: string, range?: ByteRange): Promise<BlobBody> {
  if (store.openFile) return { kind: 'file', ...(await store.openFile(digest, range)) };
  return { kind: 'stream', stream: await store.open(digest, range) };
}
