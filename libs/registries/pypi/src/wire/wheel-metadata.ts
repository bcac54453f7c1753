import { PassThrough, Readable } from 'node:stream';
import * as yauzl from 'yauzl';
import { normalizePypiName } from '@packgate/registries/core';

/**
 * PEP 658: the wheel's `{name}-{version}.dist-info/METADATA`, read out of the stored zip with range
 * reads (no temporary copy), and the few headers checked against the upload. Bounded against zip
 * bombs.
 */
export const MAX_METADATA_SIZE = 4 * 1024 * 1024;

export type OpenRange = (start: number, endInclusive: number) => Promise<Readable>;

class RangeReader extends yauzl.RandomAccessReader {
  constructor(private readonly openRange: OpenRange) {
    super();
  }

  _readStreamForRange(start: number, end: number): Readable {
    if (end <= start) return Readable.from([]);
    const out = new PassThrough();
    this.openRange(start, end - 1).then(
      (stream) => {
        stream.on('error', (error) => out.destroy(error));
        stream.pipe(out);
      },
      (error: Error) => out.destroy(error),
    );
    return out;
  }
}

export class WheelMetadataError extends Error {}

/** The METADATA path a wheel named `{dist}-{ver}-...whl` must contain. */
function isMetadataEntry(entryName: string, wheelFilename: string): boolean {
  const match = /^([^/]+)\.dist-info\/METADATA$/.exec(entryName);
  if (!match) return false;
  const [dist, version] = wheelFilename.split('-');
  const [entryDist, entryVersion] = match[1].split('-');
  return normalizePypiName(entryDist ?? '') === normalizePypiName(dist) && (entryVersion ?? '') !== '' && version !== undefined;
}

/** Reads the METADATA bytes of a wheel of `size` bytes. Throws WheelMetadataError when absent or unreadable. */
export async function readWheelMetadata(openRange: OpenRange, size: number, wheelFilename: string): Promise<Buffer> {
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromRandomAccessReader(new RangeReader(openRange), size, { lazyEntries: true, autoClose: true, validateEntrySizes: true }, (error, file) =>
        error ? reject(error) : resolve(file),
      ),
    );
  } catch (error) {
    throw new WheelMetadataError(`not a valid wheel (zip): ${(error as Error).message}`);
  }
  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null, data?: Buffer) => {
      if (settled) return;
      settled = true;
      zip.close();
      if (error) reject(error instanceof WheelMetadataError ? error : new WheelMetadataError(`not a valid wheel (zip): ${error.message}`));
      else resolve(data!);
    };
    zip.on('error', (error: Error) => finish(error));
    zip.on('end', () => finish(new WheelMetadataError('the wheel has no .dist-info/METADATA')));
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!isMetadataEntry(entry.fileName, wheelFilename)) return zip.readEntry();
      if (entry.uncompressedSize > MAX_METADATA_SIZE) return finish(new WheelMetadataError(`METADATA larger than ${MAX_METADATA_SIZE} bytes`));
      zip.openReadStream(entry, (error, stream) => {
        if (error || !stream) return finish(error ?? new Error('cannot read METADATA'));
        const chunks: Buffer[] = [];
        let total = 0;
        stream.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > MAX_METADATA_SIZE) stream.destroy(new WheelMetadataError(`METADATA larger than ${MAX_METADATA_SIZE} bytes`));
          else chunks.push(chunk);
        });
        stream.on('error', (streamError: Error) => finish(streamError));
        stream.on('end', () => finish(null, Buffer.concat(chunks)));
      });
    });
    zip.readEntry();
  });
}

/** `Name:` / `Version:` / `Requires-Python:` of an RFC 822-style core metadata file (headers only). */
export function parseMetadataHeaders(metadata: Buffer): { name?: string; version?: string; requiresPython?: string } {
  const text = metadata.toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  const headers = end >= 0 ? text.slice(0, end) : text;
  const out: { name?: string; version?: string; requiresPython?: string } = {};
  for (const line of headers.split(/\r?\n/)) {
    const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (!match) continue;
    const key = match[1].toLowerCase();
    if (key === 'name' && out.name === undefined) out.name = match[2].trim();
    else if (key === 'version' && out.version === undefined) out.version = match[2].trim();
    else if (key === 'requires-python' && out.requiresPython === undefined) out.requiresPython = match[2].trim();
  }
  return out;
}
