import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, S3Client, UploadPartCopyCommand } from '@aws-sdk/client-s3';

const MAX_PARTS = 10_000;
const MIN_COPY_PART = 512 * 1024 * 1024;
const PARALLEL_PARTS = 4;

function copySource(bucket: string, key: string): string {
  return encodeURI(`${bucket}/${key}`);
}

/**
 * Server-side copy `from` → `to` in one bucket: one CopyObject up to `maxSingleCopyBytes`, a
 * multipart copy (UploadPartCopy by ranges) beyond, which S3 requires past 5 GiB. A failed
 * multipart copy is aborted, so no parts are left behind.
 */
export async function copyObject(client: S3Client, bucket: string, from: string, to: string, size: number, maxSingleCopyBytes: number): Promise<void> {
  if (size <= maxSingleCopyBytes) {
    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: to, CopySource: copySource(bucket, from), ContentType: 'application/octet-stream' }));
    return;
  }
  const partSize = Math.max(Math.min(MIN_COPY_PART, maxSingleCopyBytes), Math.ceil(size / MAX_PARTS));
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: to, ContentType: 'application/octet-stream' }));
  try {
    const ranges: Array<{ PartNumber: number; range: string }> = [];
    for (let start = 0, part = 1; start < size; start += partSize, part += 1) {
      ranges.push({ PartNumber: part, range: `bytes=${start}-${Math.min(size, start + partSize) - 1}` });
    }
    const parts: Array<{ PartNumber: number; ETag?: string }> = [];
    for (let i = 0; i < ranges.length; i += PARALLEL_PARTS) {
      const batch = ranges.slice(i, i + PARALLEL_PARTS);
      const done = await Promise.all(
        batch.map(async ({ PartNumber, range }) => {
          const answer = await client.send(new UploadPartCopyCommand({ Bucket: bucket, Key: to, UploadId, PartNumber, CopySource: copySource(bucket, from), CopySourceRange: range }));
          return { PartNumber, ETag: answer.CopyPartResult?.ETag };
        }),
      );
      parts.push(...done);
    }
    await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId, MultipartUpload: { Parts: parts } }));
  } catch (error) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId })).catch(() => undefined);
    throw error;
  }
}
