import { createReadStream, mkdtempSync, promises as fs, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

// s3rver ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');

/** s3rver's fixed credentials; the SDK's default chain reads them from the environment. */
export const S3RVER_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

export interface TestS3 {
  endpoint: string;
  port: number;
  bucket: string;
  /** Where s3rver keeps the bucket's files. */
  directory: string;
  /** The PACKGATE_* settings of a server storing its blobs here. */
  env(extra?: Record<string, string>): Record<string, string>;
  client(): S3Client;
  /** Stops answering (connections refused) until `resume`. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

type Ctx = {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  status: number;
  body: unknown;
  etag?: string;
  app: { store: { getResourcePath(bucket: string, key: string | undefined, resource: string): string; putPart(bucket: string, uploadId: string, part: string, content: NodeJS.ReadableStream): Promise<{ md5: string }> } };
};

/**
 * The multipart calls s3rver 3.7 lacks and real S3, MinIO, Ceph and R2 have: ListMultipartUploads,
 * AbortMultipartUpload and UploadPartCopy, on s3rver's own upload directories
 * (`<bucket>/._S3rver_uploads/<uploadId>/{key,metadata,<part>}`). An upload's start time is the
 * mtime of its `key` file.
 */
function multipartCompletion() {
  return async (ctx: Ctx, next: () => Promise<void>) => {
    const match = /^\/([^/]+)(?:\/(.*))?$/.exec(ctx.path);
    if (!match) return next();
    const bucket = match[1];
    const key = match[2] || undefined;
    const uploadsRoot = ctx.app.store.getResourcePath(bucket, undefined, 'uploads');
    if (ctx.method === 'GET' && !key && 'uploads' in ctx.query) {
      const prefix = ctx.query.prefix ?? '';
      const uploads = [];
      for (const uploadId of await fs.readdir(uploadsRoot).catch(() => [] as string[])) {
        const keyFile = path.join(uploadsRoot, uploadId, 'key');
        const [name, stats] = await Promise.all([fs.readFile(keyFile, 'utf8').catch(() => null), fs.stat(keyFile).catch(() => null)]);
        if (name === null || !stats || !name.startsWith(prefix)) continue;
        uploads.push({ Key: name, UploadId: uploadId, Initiated: stats.mtime.toISOString() });
      }
      ctx.body = { ListMultipartUploadsResult: { Bucket: bucket, Prefix: prefix, IsTruncated: false, ...(uploads.length ? { Upload: uploads } : {}) } };
      return;
    }
    if (key && ctx.query.uploadId && /^[0-9a-f]+$/.test(ctx.query.uploadId)) {
      const uploadDir = path.join(uploadsRoot, ctx.query.uploadId);
      if (ctx.method === 'DELETE') {
        await fs.rm(uploadDir, { recursive: true, force: true });
        ctx.status = 204;
        return;
      }
      const source = ctx.headers['x-amz-copy-source'];
      if (ctx.method === 'PUT' && source) {
        const [sourceBucket, ...sourceKey] = decodeURIComponent(source).replace(/^\//, '').split('/');
        const range = /^bytes=(\d+)-(\d+)$/.exec(ctx.headers['x-amz-copy-source-range'] ?? '');
        const file = ctx.app.store.getResourcePath(sourceBucket, sourceKey.join('/'), 'object');
        const stream = createReadStream(file, range ? { start: Number(range[1]), end: Number(range[2]) } : {});
        const { md5 } = await ctx.app.store.putPart(bucket, ctx.query.uploadId, ctx.query.partNumber, stream);
        ctx.body = { CopyPartResult: { ETag: JSON.stringify(md5), LastModified: new Date().toISOString() } };
        return;
      }
    }
    return next();
  };
}

/**
 * s3rver on a free loopback port with a temporary directory and one bucket created through the API.
 * `host` may be another loopback address (127.0.0.2) so that clients following a presigned redirect
 * see another host, as with a real S3 endpoint, and drop their Packgate credentials.
 */
export async function startS3(bucket = 'packgate-test', host = '127.0.0.1'): Promise<TestS3> {
  const directory = mkdtempSync(path.join(tmpdir(), 'packgate-s3-'));
  let port = 0;
  let server: { run(): Promise<AddressInfo>; close(): Promise<void>; httpServer?: Server; middleware: unknown[] } | undefined;
  const run = async () => {
    server = new S3rver({ port, address: host, silent: true, directory });
    // Before the router (the last middleware), after the XML encoder and the vhost resolution.
    server!.middleware.splice(server!.middleware.length - 1, 0, multipartCompletion());
    port = (await server!.run()).port;
  };
  const stop = async () => {
    if (!server) return;
    const closing = server.close();
    server.httpServer?.closeAllConnections();
    await closing;
    server = undefined;
  };
  await run();
  const endpoint = `http://${host}:${port}`;
  const client = () => new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const admin = client();
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  admin.destroy();
  return {
    endpoint,
    port,
    bucket,
    directory,
    env: (extra = {}) => ({
      PACKGATE_BLOB_STORE: 's3',
      PACKGATE_S3_BUCKET: bucket,
      PACKGATE_S3_ENDPOINT: endpoint,
      PACKGATE_S3_FORCE_PATH_STYLE: 'true',
      ...extra,
    }),
    client,
    pause: stop,
    resume: run,
    async close() {
      await stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Sets s3rver's credentials for the AWS SDK's default chain in this process (jest gives each suite its own env). */
export function useS3rverCredentials(): void {
  Object.assign(process.env, S3RVER_CREDENTIALS);
}
