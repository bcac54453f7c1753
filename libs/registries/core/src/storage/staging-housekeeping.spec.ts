import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { FsBlobStore } from './fs-blob-store';

describe('FsBlobStore staging housekeeping', () => {
  let root: string;
  let store: FsBlobStore;
  const old = (file: string) => utimesSync(file, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));

  beforeEach(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'packgate-staging-'));
    store = new FsBlobStore(root);
    await store.init();
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reclaims old orphans, keeps recent files and what this process still holds', async () => {
    const orphan = path.join(root, 'tmp', randomUUID());
    const recent = path.join(root, 'tmp', randomUUID());
    writeFileSync(orphan, 'partial upload of a killed process');
    writeFileSync(recent, 'upload of another node, still arriving');
    old(orphan);
    const held = await store.stage(Readable.from([Buffer.from('staged, not yet committed')]));
    old(path.join(root, 'tmp', held.id));

    expect(await store.stagingUsage()).toEqual({ files: 3, bytes: expect.any(Number) });
    const removed = await store.reclaimStaging(60_000);
    expect(removed).toEqual({ files: 1, bytes: 'partial upload of a killed process'.length });
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    await held.commit();
    expect(await store.exists(held.digest)).toBe(true);
  });

  it('resumes a staged blob by its record and refuses one whose data is gone or changed', async () => {
    const staged = await store.stage(Readable.from([Buffer.from('chunk one')]));
    const record = { id: staged.id, size: staged.size, hashes: { ...staged.hashes }, digest: staged.digest };
    const fresh = new FsBlobStore(root); // as after a restart
    const resumed = await fresh.resumeStaged(record);
    expect(resumed?.digest).toBe(staged.digest);
    expect(await fresh.resumeStaged({ ...record, size: record.size + 1 })).toBeNull();
    expect(await fresh.resumeStaged({ ...record, id: '../../etc/passwd' })).toBeNull();
    await fresh.discardStaged(record.id);
    expect(await fresh.resumeStaged(record)).toBeNull();
  });
});
