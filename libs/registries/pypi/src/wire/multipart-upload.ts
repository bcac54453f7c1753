import type { IncomingMessage } from 'node:http';
import { Readable, Transform, TransformCallback, pipeline } from 'node:stream';
import busboy from 'busboy';
import { IHasher, createBLAKE2b } from 'hash-wasm';
import { BlobStore, classifyDependencyFailure, InvalidInputError, PayloadTooLargeError, StagedBlob } from '@packgate/registries/core';

/**
 * Streams a legacy-upload multipart body: text fields are collected (bounded), the `content` file
 * part goes straight into the blob store's staging area while sha256 and md5 (and blake2b-256 when
 * the client announced that digest before the file, as twine does) are computed. The whole file is
 * never held in memory.
 */
export interface UploadLimits {
  maxFileBytes: number;
  maxFieldBytes: number;
  maxFields: number;
}

export interface ReceivedFile {
  filename: string;
  staged: StagedBlob;
  /** Hex blake2b-256, when computed. */
  blake2b256?: string;
}

export interface ReceivedUpload {
  fields: Map<string, string[]>;
  file?: ReceivedFile;
}

/** Called when the file part starts, with the fields seen so far: may refuse before any byte is stored. */
export type BeforeFile = (fields: ReadonlyMap<string, readonly string[]>) => Promise<void>;

/** blake2b-256 of the bytes passing through (WebAssembly: fast enough not to stall the event loop). */
class Blake2bHasher extends Transform {
  private constructor(private readonly hasher: IHasher) {
    super();
  }
  static async create(): Promise<Blake2bHasher> {
    return new Blake2bHasher(await createBLAKE2b(256));
  }
  _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.hasher.update(chunk);
    } catch (error) {
      return callback(error as Error);
    }
    callback(null, chunk);
  }
  hex(): string {
    return this.hasher.digest('hex');
  }
}

export async function receiveUpload(req: IncomingMessage, blobs: BlobStore, limits: UploadLimits, beforeFile: BeforeFile): Promise<ReceivedUpload> {
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;.*boundary=/i.test(contentType)) throw new InvalidInputError('expected a multipart/form-data body (the legacy upload API)');
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      preservePath: true,
      limits: { fieldSize: limits.maxFieldBytes, fields: limits.maxFields, files: 3, parts: limits.maxFields + 3, fieldNameSize: 100 },
    });
  } catch (error) {
    throw new InvalidInputError(`malformed multipart header: ${(error as Error).message}`);
  }
  const fields = new Map<string, string[]>();
  let fileTask: Promise<ReceivedFile | undefined> = Promise.resolve(undefined);
  let sawContent = false;
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= error;
  };

  const parsed = new Promise<void>((resolve) => {
    parser.on('field', (name, value, info) => {
      if (info.nameTruncated) return fail(new InvalidInputError('a field name is longer than 100 bytes'));
      if (info.valueTruncated) return fail(new InvalidInputError(`field ${name} is larger than ${limits.maxFieldBytes} bytes`));
      const list = fields.get(name) ?? [];
      list.push(value);
      fields.set(name, list);
    });
    parser.on('file', (name, stream, info) => {
      // Errors before a consumer is attached (client gone while authorising) must not go unhandled;
      // the stage pipeline still sees them through stream.errored.
      stream.on('error', () => undefined);
      if (name !== 'content' || sawContent || failure) {
        if (name === 'content' && sawContent) fail(new InvalidInputError('more than one content part'));
        stream.resume();
        return;
      }
      sawContent = true;
      const filename = info.filename ?? '';
      stream.pause();
      fileTask = (async () => {
        try {
          await beforeFile(fields);
        } catch (error) {
          stream.resume();
          throw error;
        }
        let blake: Blake2bHasher | undefined;
        let source: Readable = stream;
        try {
          if (fields.get('blake2_256_digest')?.[0]) {
            blake = await Blake2bHasher.create();
            // Listener for the whole life of the hasher: an error after the stage pipeline let go
            // of it must not be an unhandled 'error' event (it would end the process).
            blake.on('error', () => undefined);
            // pipeline destroys the hasher with the part's error, which the stage pipeline then sees.
            pipeline(stream, blake, () => undefined);
            source = blake;
          }
          const staged = await blobs.stage(source, { algorithms: ['md5'], maxBytes: limits.maxFileBytes });
          return { filename, staged, blake2b256: blake?.hex() };
        } catch (error) {
          // busboy waits for a destroyed file stream forever: stop the parser too.
          fail(error instanceof PayloadTooLargeError || error instanceof InvalidInputError ? error : toUploadError(error));
          parser.destroy(failure);
          throw failure;
        }
      })();
      fileTask.catch(fail);
    });
    parser.on('partsLimit', () => fail(new InvalidInputError('too many parts in the multipart body')));
    parser.on('fieldsLimit', () => fail(new InvalidInputError(`more than ${limits.maxFields} form fields`)));
    parser.on('filesLimit', () => fail(new InvalidInputError('too many file parts')));
    parser.on('error', (error: Error) => {
      fail(new InvalidInputError(`malformed multipart body: ${error.message}`));
      resolve();
    });
    parser.on('close', () => resolve());
    req.on('aborted', () => {
      fail(new InvalidInputError('upload truncated: the client closed the connection'));
      parser.destroy(new Error('aborted'));
      resolve();
    });
    req.on('error', (error) => {
      fail(new InvalidInputError(`upload truncated: ${error.message}`));
      resolve();
    });
  });
  req.pipe(parser);
  await parsed;
  let file: ReceivedFile | undefined;
  try {
    file = await fileTask;
  } catch (error) {
    fail(error as Error);
  }
  if (failure) {
    await file?.staged.discard();
    req.unpipe(parser);
    req.resume();
    throw failure;
  }
  return { fields, file };
}

function toUploadError(error: unknown): Error {
  if (classifyDependencyFailure(error)) return error as Error;
  return new InvalidInputError(`upload truncated or malformed: ${(error as Error)?.message ?? 'stream error'}`);
}
