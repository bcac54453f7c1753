import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';
import type { S3BlobStoreOptions } from './s3-options';

/**
 * The SDK client: credentials from the default chain (environment, shared files, instance or
 * container roles); checksums only where S3 requires them (S3-compatible servers such as older
 * MinIO, Ceph or s3rver do not speak the trailing-checksum encoding); keep-alive sockets; a dead
 * endpoint fails within seconds rather than hanging a request.
 */
export function createS3Client(options: S3BlobStoreOptions): S3Client {
  const agent = { keepAlive: true, maxSockets: 64 };
  return new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 5000, requestTimeout: 120_000, httpAgent: new HttpAgent(agent), httpsAgent: new HttpsAgent(agent) },
  });
}
