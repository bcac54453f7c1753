import { ConfigError, loadConfig } from './config';

describe('blob store configuration', () => {
  const s3 = { PACKGATE_BLOB_STORE: 's3', PACKGATE_S3_BUCKET: 'packgate-blobs' };

  it('defaults to the data directory', () => {
    expect(loadConfig({}).blobStore).toEqual({ kind: 'fs' });
  });

  it('reads the S3 settings with their defaults', () => {
    expect(loadConfig(s3).blobStore).toEqual({ kind: 's3', bucket: 'packgate-blobs', prefix: '', endpoint: undefined, region: 'us-east-1', forcePathStyle: false, redirect: false });
    expect(
      loadConfig({ ...s3, PACKGATE_S3_PREFIX: 'prod/packgate', PACKGATE_S3_ENDPOINT: 'http://minio.internal:9000/', PACKGATE_S3_REGION: 'eu-west-3', PACKGATE_S3_FORCE_PATH_STYLE: 'true', PACKGATE_S3_REDIRECT: '1' }).blobStore,
    ).toEqual({ kind: 's3', bucket: 'packgate-blobs', prefix: 'prod/packgate/', endpoint: 'http://minio.internal:9000', region: 'eu-west-3', forcePathStyle: true, redirect: true });
  });

  it.each([
    [{ PACKGATE_BLOB_STORE: 'gcs' }, 'PACKGATE_BLOB_STORE must be fs or s3'],
    [{ PACKGATE_BLOB_STORE: 's3' }, 'PACKGATE_S3_BUCKET is required'],
    [{ ...s3, PACKGATE_S3_BUCKET: 'Bad/Bucket' }, 'PACKGATE_S3_BUCKET must be a bucket name'],
    [{ ...s3, PACKGATE_S3_PREFIX: '/abs' }, 'PACKGATE_S3_PREFIX must be a relative key prefix'],
    [{ ...s3, PACKGATE_S3_PREFIX: 'a/../b' }, 'PACKGATE_S3_PREFIX must be a relative key prefix'],
    [{ ...s3, PACKGATE_S3_ENDPOINT: 'minio:9000' }, 'PACKGATE_S3_ENDPOINT must'],
    [{ ...s3, PACKGATE_S3_ENDPOINT: 'http://key:secret@minio:9000' }, 'must not carry credentials'],
    [{ ...s3, PACKGATE_S3_REGION: 'EU WEST' }, 'PACKGATE_S3_REGION must be a region name'],
    [{ ...s3, PACKGATE_S3_REDIRECT: 'sometimes' }, 'PACKGATE_S3_REDIRECT must be true or false'],
    [{ ...s3, PACKGATE_S3_FORCE_PATH_STYLE: 'on' }, 'PACKGATE_S3_FORCE_PATH_STYLE must be true or false'],
    [{ PACKGATE_S3_BUCKET: 'packgate-blobs' }, 'PACKGATE_S3_BUCKET set but PACKGATE_BLOB_STORE is not s3'],
  ])('%j is refused', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never echoes endpoint credentials', () => {
    expect(() => loadConfig({ ...s3, PACKGATE_S3_ENDPOINT: 'http://key:secret@minio:9000' })).not.toThrow(/secret/);
  });
});
