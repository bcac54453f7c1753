import type { BlobStoreSettings } from '@packgate/registries/core';

/** Thrown for a bad setting; the start stops with its message. */
type Fail = (message: string) => Error;

const S3_VARIABLES = ['PACKGATE_S3_BUCKET', 'PACKGATE_S3_PREFIX', 'PACKGATE_S3_ENDPOINT', 'PACKGATE_S3_REGION', 'PACKGATE_S3_FORCE_PATH_STYLE', 'PACKGATE_S3_REDIRECT'];

function parseFlag(name: string, value: string | undefined, fail: Fail): boolean {
  if (value === undefined || value === '') return false;
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw fail(`${name} must be true or false, got "${value}"`);
}

/** PACKGATE_BLOB_STORE and the PACKGATE_S3_* settings (README "S3 storage"). */
export function parseBlobStore(env: NodeJS.ProcessEnv, fail: Fail): BlobStoreSettings {
  const kind = env.PACKGATE_BLOB_STORE || 'fs';
  if (kind === 'fs') {
    const stray = S3_VARIABLES.filter((name) => env[name]);
    if (stray.length > 0) throw fail(`${stray.join(', ')} set but PACKGATE_BLOB_STORE is not s3 (blobs would go to the data directory)`);
    return { kind: 'fs' };
  }
  if (kind !== 's3') throw fail(`PACKGATE_BLOB_STORE must be fs or s3, got "${kind}"`);
  const bucket = env.PACKGATE_S3_BUCKET ?? '';
  if (!bucket) throw fail('PACKGATE_S3_BUCKET is required with PACKGATE_BLOB_STORE=s3');
  if (!/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/.test(bucket)) throw fail(`PACKGATE_S3_BUCKET must be a bucket name (3-63 of a-z 0-9 . - _), got "${bucket.slice(0, 80)}"`);
  const rawPrefix = env.PACKGATE_S3_PREFIX ?? '';
  if (rawPrefix.startsWith('/') || rawPrefix.split('/').some((segment) => segment === '.' || segment === '..') || /[\u0000-\u001f\\]/.test(rawPrefix) || rawPrefix.length > 200) {
    throw fail(`PACKGATE_S3_PREFIX must be a relative key prefix such as packgate/ (no leading /, no . or .. segments), got "${rawPrefix.slice(0, 80)}"`);
  }
  const prefix = rawPrefix === '' || rawPrefix.endsWith('/') ? rawPrefix : `${rawPrefix}/`;
  let endpoint: string | undefined;
  if (env.PACKGATE_S3_ENDPOINT) {
    let url: URL;
    try {
      url = new URL(env.PACKGATE_S3_ENDPOINT);
    } catch {
      throw fail(`PACKGATE_S3_ENDPOINT must be an absolute http(s) URL, got "${env.PACKGATE_S3_ENDPOINT.slice(0, 80)}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail('PACKGATE_S3_ENDPOINT must use http or https');
    if (url.username || url.password) throw fail('PACKGATE_S3_ENDPOINT must not carry credentials (use AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)');
    endpoint = url.toString().replace(/\/+$/, '');
  }
  const region = env.PACKGATE_S3_REGION || 'us-east-1';
  if (!/^[a-z0-9-]{1,40}$/.test(region)) throw fail(`PACKGATE_S3_REGION must be a region name such as us-east-1, got "${region.slice(0, 80)}"`);
  return {
    kind: 's3',
    bucket,
    prefix,
    endpoint,
    region,
    forcePathStyle: parseFlag('PACKGATE_S3_FORCE_PATH_STYLE', env.PACKGATE_S3_FORCE_PATH_STYLE, fail),
    redirect: parseFlag('PACKGATE_S3_REDIRECT', env.PACKGATE_S3_REDIRECT, fail),
  };
}
