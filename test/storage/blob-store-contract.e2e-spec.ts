import { randomBytes, randomUUID, createHash } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { CreateMultipartUploadCommand, ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { BlobStore, FsBlobStore, PayloadTooLargeError } from '@packgate/registries/core';
import { S3BlobStore } from '../../libs/registries/core/src/storage/s3/s3-blob-store';
import { TestS3, startS3, useS3rverCredentials } from '../support/s3-server';

/**
 * One contract for every BlobStore: the filesystem store and the S3 store (on s3rver) must behave
 * the same for staging, commit, discard, limits, ranges, resuming from another instance (another
 * node), staging housekeeping and listing.
 */
interface Backend {
  name: string;
  /** A new store instance on the same storage (a second process). */
  open(): Promise<BlobStore>;
  /** Leaves staged data as a killed process would, `ageMs` old. */
  orphan(bytes: Buffer, ageMs: number): Promise<string>;
  /** Makes a staged entry look untouched for `ageMs`. */
  age(id: string, ageMs: number): void;
  /** Staging data (files or objects, plus unfinished multipart uploads) that exist now. */
  staged(): Promise<string[]>;
  /** An abandoned multipart upload under staging (S3 only). */
  abandonMultipart?(ageMs: number): Promise<void>;
  close(): Promise<void>;
}

async function fsBackend(): Promise<Backend> {
  const root = mkdtempSync(path.join(tmpdir(), 'packgate-contract-fs-'));
  const tmp = path.join(root, 'tmp');
  const past = (ageMs: number) => new Date(Date.now() - ageMs);
  const { readdirSync } = await import('node:fs');
  return {
    name: 'fs',
    async open() {
      const store = new FsBlobStore(root);
      await store.init();
      return store;
    },
    async orphan(bytes, ageMs) {
      const id = randomUUID();
      writeFileSync(path.join(tmp, id), bytes);
      utimesSync(path.join(tmp, id), past(ageMs), past(ageMs));
      return id;
    },
    age(id, ageMs) {
      utimesSync(path.join(tmp, id), past(ageMs), past(ageMs));
    },
    async staged() {
      return existsSync(tmp) ? readdirSync(tmp) : [];
    },
    async close() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function s3Backend(): Promise<Backend> {
  useS3rverCredentials();
  const s3: TestS3 = await startS3();
  const client = s3.client();
  const objectFile = (key: string) => path.join(s3.directory, s3.bucket, `${key}._S3rver_object`);
  const past = (ageMs: number) => new Date(Date.now() - ageMs);
  const stores: S3BlobStore[] = [];
  return {
    name: 's3',
    async open() {
      // Small parts, so modest bodies already take the multipart path.
      const store = new S3BlobStore({ bucket: s3.bucket, prefix: 'pg/', endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, redirect: false, partSize: 5 * 1024 * 1024, maxSingleCopyBytes: 6 * 1024 * 1024 });
      stores.push(store);
      return store;
    },
    async orphan(bytes, ageMs) {
      const id = randomUUID();
      await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `pg/staging/${id}`, Body: bytes }));
      utimesSync(objectFile(`pg/staging/${id}`), past(ageMs), past(ageMs));
      return id;
    },
    age(id, ageMs) {
      utimesSync(objectFile(`pg/staging/${id}`), past(ageMs), past(ageMs));
    },
    async staged() {
      const objects = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'pg/staging/' }));
      const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: 'pg/staging/' }));
      return [...(objects.Contents ?? []).map((object) => object.Key!), ...(uploads.Uploads ?? []).map((upload) => `multipart:${upload.Key}`)];
    },
    async abandonMultipart(ageMs) {
      const key = `pg/staging/${randomUUID()}`;
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: key }));
      await client.send(new UploadPartCommand({ Bucket: s3.bucket, Key: key, UploadId, PartNumber: 1, Body: randomBytes(1024) }));
      const keyFile = path.join(s3.directory, s3.bucket, '._S3rver_uploads', UploadId!, 'key');
      utimesSync(keyFile, past(ageMs), past(ageMs));
    },
    async close() {
      for (const store of stores) store.onModuleDestroy();
      client.destroy();
      await s3.close();
    },
  };
}

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A body that arrives in pieces, as from a socket. */
function body(bytes: Buffer, piece = 256 * 1024): Readable {
  return Readable.from((function* () {
    for (let offset = 0; offset < bytes.length; offset += piece) yield bytes.subarray(offset, offset + piece);
  })());
}

describe.each([
  ['fs', fsBackend],
  ['s3', s3Backend],
])('BlobStore contract [%s]', (_name, make) => {
  let backend: Backend;
  let store: BlobStore;
  const HOUR = 3_600_000;

  beforeAll(async () => {
    backend = await make();
  });
  beforeEach(async () => {
    store = await backend.open();
  });
  afterAll(async () => {
    await backend?.close();
  });

  it('stages while hashing, shows nothing before commit, then serves the whole blob and ranges', async () => {
    const bytes = randomBytes(12 * 1024 * 1024 + 17); // several S3 parts, and a multipart copy on commit
    const staged = await store.stage(body(bytes), { algorithms: ['md5', 'sha512'] });
    expect(staged.digest).toBe(sha256(bytes));
    expect(staged.size).toBe(bytes.length);
    expect(staged.hashes.md5).toBe(createHash('md5').update(bytes).digest('hex'));
    expect(staged.hashes.sha512).toBe(createHash('sha512').update(bytes).digest('hex'));
    expect(await store.exists(staged.digest)).toBe(false);
    expect((await readAll(await staged.open({ start: 5, end: 9 }))).equals(bytes.subarray(5, 10))).toBe(true);
    await staged.commit();
    expect(await store.exists(staged.digest)).toBe(true);
    expect(await store.size(staged.digest)).toBe(bytes.length);
    expect((await readAll(await store.open(staged.digest))).equals(bytes)).toBe(true);
    const start = 6 * 1024 * 1024 - 3;
    expect((await readAll(await store.open(staged.digest, { start, end: start + 99 }))).equals(bytes.subarray(start, start + 100))).toBe(true);
    expect(await backend.staged()).toEqual([]);
    const listed: string[] = [];
    for await (const digest of store.list()) listed.push(digest);
    expect(listed).toContain(staged.digest);
    await store.delete(staged.digest);
    expect(await store.exists(staged.digest)).toBe(false);
    await expect(store.open(staged.digest)).rejects.toThrow();
  });

  it('addresses by sha512 when asked, and refuses malformed digests', async () => {
    const bytes = Buffer.from('sha512 addressed');
    const staged = await store.stage(body(bytes), { addressBy: 'sha512' });
    expect(staged.digest).toBe(`sha512:${createHash('sha512').update(bytes).digest('hex')}`);
    await staged.commit();
    expect(await store.size(staged.digest)).toBe(bytes.length);
    await expect(store.open('sha256:../../etc/passwd')).rejects.toThrow(/not a valid digest/);
  });

  it('discard leaves nothing; an empty body is a blob too', async () => {
    const staged = await store.stage(body(Buffer.from('to be thrown away')));
    await staged.discard();
    expect(await store.exists(staged.digest)).toBe(false);
    const empty = await store.stage(Readable.from([]));
    expect(empty.size).toBe(0);
    await empty.commit();
    expect(await store.size(empty.digest)).toBe(0);
    expect(await backend.staged()).toEqual([]);
  });

  it('maxBytes fails with PayloadTooLargeError and aborts everything staged so far', async () => {
    const bytes = randomBytes(11 * 1024 * 1024);
    await expect(store.stage(body(bytes), { maxBytes: 10 * 1024 * 1024 + 1 })).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(await backend.staged()).toEqual([]);
  });

  it('a failing source rejects with its error and leaves nothing', async () => {
    const source = new PassThrough();
    const staging = store.stage(source);
    source.write(randomBytes(6 * 1024 * 1024));
    setImmediate(() => source.destroy(new Error('client went away')));
    await expect(staging).rejects.toThrow('client went away');
    expect(await backend.staged()).toEqual([]);
  });

  it('resumes staged data from another instance (another node) and commits it there', async () => {
    const bytes = randomBytes(4096);
    const staged = await store.stage(body(bytes));
    const record = { id: staged.id, size: staged.size, hashes: { ...staged.hashes }, digest: staged.digest };
    const other = await backend.open();
    expect(await other.resumeStaged({ ...record, size: record.size + 1 })).toBeNull();
    expect(await other.resumeStaged({ ...record, id: '../../etc/passwd' })).toBeNull();
    const resumed = await other.resumeStaged(record);
    expect(resumed?.digest).toBe(staged.digest);
    await other.touchStaged(record.id);
    expect((await readAll(await resumed!.open())).equals(bytes)).toBe(true);
    await resumed!.commit();
    expect((await readAll(await store.open(staged.digest))).equals(bytes)).toBe(true);
    expect(await other.resumeStaged(record)).toBeNull();

    const second = await store.stage(body(Buffer.from('discarded by name elsewhere')));
    await other.discardStaged(second.id);
    expect(await store.resumeStaged({ id: second.id, size: second.size, hashes: { ...second.hashes }, digest: second.digest })).toBeNull();
    expect(await backend.staged()).toEqual([]);
  });

  it('joins chunks staged separately through open (chunked Docker uploads)', async () => {
    const parts = [randomBytes(3000), randomBytes(7 * 1024 * 1024), randomBytes(10)];
    const staged = [];
    for (const part of parts) staged.push(await store.stage(body(part)));
    const joined = new PassThrough();
    void (async () => {
      for (const part of staged) for await (const chunk of await part.open()) joined.write(chunk);
      joined.end();
    })();
    const whole = await store.stage(joined);
    expect(whole.digest).toBe(sha256(Buffer.concat(parts)));
    await whole.commit();
    await Promise.all(staged.map((part) => part.discard()));
    expect(await backend.staged()).toEqual([]);
  });

  it('reclaims old staging data (and abandoned multipart uploads), keeping recent, touched and held entries', async () => {
    const orphan = await backend.orphan(Buffer.from('partial upload of a killed process'), 2 * HOUR);
    const recent = await backend.orphan(Buffer.from('upload of another node, still arriving'), 0);
    const touched = await backend.orphan(Buffer.from('idle chunked upload, still wanted'), 2 * HOUR);
    await store.touchStaged(touched);
    const held = await store.stage(body(Buffer.from('staged here, not yet committed')));
    backend.age(held.id, 2 * HOUR);
    await backend.abandonMultipart?.(2 * HOUR);

    expect(await store.stagingUsage()).toEqual({ files: 4, bytes: expect.any(Number) });
    const removed = await store.reclaimStaging(HOUR);
    expect(removed.files).toBe(backend.abandonMultipart ? 2 : 1);
    const left = await backend.staged();
    expect(left.some((name) => name.includes(orphan))).toBe(false);
    expect(left.some((name) => name.includes(recent))).toBe(true);
    expect(left.some((name) => name.includes(touched))).toBe(true);
    expect(left.some((name) => name.startsWith('multipart:'))).toBe(false);
    await held.commit();
    expect(await store.exists(held.digest)).toBe(true);
    await Promise.all([recent, touched].map((id) => store.discardStaged(id)));
  });
});
