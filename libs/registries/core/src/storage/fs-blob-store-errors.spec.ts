import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { FsBlobStore } from './fs-blob-store';

describe('FsBlobStore.stage with a failing source', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'packgate-blobs-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('rejects (no unhandled error event) when the source fails before streaming starts', async () => {
    const store = new FsBlobStore(root);
    await store.init();
    const source = new PassThrough();
    const staging = store.stage(source);
    source.destroy(new Error('client went away'));
    await expect(staging).rejects.toThrow('client went away');
    expect(readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });
});
