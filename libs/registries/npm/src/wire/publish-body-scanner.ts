import { InvalidInputError } from '@packgate/registries/core';

/**
 * Streaming pass over an `npm publish` body (pure, no I/O). npm sends one JSON document whose
 * `_attachments.<file>.data` is the tarball in base64 (libnpmpublish publish.js). The scanner keeps
 * every byte of the document except that string's content, which it hands out in pieces as it
 * arrives, so the tarball goes to the blob store without the body being held in memory: what stays
 * is the small "skeleton" (manifest, readme, `"data":""`).
 *
 * It tracks only what it needs: strings (with escapes), object keys and nesting. Malformed JSON is
 * caught when the skeleton is parsed at the end.
 */
interface Frame {
  object: boolean;
  key: string | null;
  expectKey: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MAX_DEPTH = 64;
const MAX_KEY_BYTES = 4096;

export class PublishBodyScanner {
  private readonly stack: Frame[] = [];
  private readonly skeletonParts: Buffer[] = [];
  private inString = false;
  private escaped = false;
  private role: 'key' | 'value' | 'capture' = 'value';
  private keyParts: Buffer[] = [];
  private keyBytes = 0;
  private started = false;
  /** Name of the attachment whose data is streamed out (the first one), once seen. */
  capturedKey: string | null = null;

  /** Feeds a chunk; returns the base64 text of the captured attachment found in it. */
  push(chunk: Buffer): string[] {
    const out: string[] = [];
    let copyFrom = 0;
    let keyFrom = 0;
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.inString) {
        if (this.role === 'capture') {
          const quote = chunk.indexOf(QUOTE, i);
          const end = quote < 0 ? n : quote;
          const backslash = chunk.indexOf(BACKSLASH, i);
          if (backslash >= 0 && backslash < end) throw new InvalidInputError('attachment data is not valid base64 (escape sequence in data)', 'BAD_BASE64');
          if (end > i) out.push(chunk.toString('latin1', i, end));
          if (quote < 0) {
            i = n;
            copyFrom = n;
            break;
          }
          this.inString = false;
          copyFrom = quote;
          i = quote + 1;
          this.afterValue();
          continue;
        }
        if (this.escaped) {
          this.escaped = false;
          i += 1;
          continue;
        }
        const next = nextQuoteOrBackslash(chunk, i);
        if (next < 0) {
          i = n;
          break;
        }
        if (chunk[next] === BACKSLASH) {
          this.escaped = true;
          i = next + 1;
          continue;
        }
        this.inString = false;
        i = next + 1;
        if (this.role === 'key') {
          this.collectKey(chunk.subarray(keyFrom, next));
          this.finishKey();
        } else this.afterValue();
        continue;
      }
      const byte = chunk[i];
      switch (byte) {
        case 0x7b: // {
        case 0x5b: // [
          if (!this.started && byte !== 0x7b) throw new InvalidInputError('publish body must be a JSON object');
          this.started = true;
          if (this.stack.length >= MAX_DEPTH) throw new InvalidInputError('publish body is nested too deeply');
          this.stack.push({ object: byte === 0x7b, key: null, expectKey: byte === 0x7b });
          break;
        case 0x7d: // }
        case 0x5d: // ]
          this.stack.pop();
          this.afterValue();
          break;
        case 0x2c: {
          // ,
          const top = this.top();
          if (top?.object) {
            top.expectKey = true;
            top.key = null;
          }
          break;
        }
        case QUOTE: {
          this.inString = true;
          this.escaped = false;
          const top = this.top();
          if (top?.object && top.expectKey) {
            this.role = 'key';
            this.keyParts = [];
            this.keyBytes = 0;
            keyFrom = i + 1;
          } else if (this.isAttachmentData()) {
            this.role = 'capture';
            this.capturedKey = this.stack[1].key;
            this.skeletonParts.push(chunk.subarray(copyFrom, i + 1));
            copyFrom = -1;
          } else this.role = 'value';
          break;
        }
        default:
          if (!this.started && byte > 0x20) throw new InvalidInputError('publish body must be a JSON object');
      }
      i += 1;
    }
    if (this.inString && this.role === 'key') this.collectKey(chunk.subarray(keyFrom, n));
    if (copyFrom >= 0 && copyFrom < n) this.skeletonParts.push(chunk.subarray(copyFrom, n));
    return out;
  }

  /** The document without the captured data (`"data":""`), parsed. */
  finish(): Record<string, unknown> {
    if (this.inString || this.stack.length > 0 || !this.started) throw new InvalidInputError('publish body is not complete JSON');
    let doc: unknown;
    try {
      doc = JSON.parse(Buffer.concat(this.skeletonParts).toString('utf8'));
    } catch {
      throw new InvalidInputError('publish body is not valid JSON');
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new InvalidInputError('publish body must be a JSON object');
    return doc as Record<string, unknown>;
  }

  private top(): Frame | undefined {
    return this.stack[this.stack.length - 1];
  }

  /** Value position of `_attachments.<name>.data` at the root, for the first attachment only. */
  private isAttachmentData(): boolean {
    const s = this.stack;
    return this.capturedKey === null && s.length === 3 && s.every((f) => f.object) && s[0].key === '_attachments' && s[1].key !== null && s[2].key === 'data';
  }

  private afterValue(): void {
    const top = this.top();
    if (top?.object) top.expectKey = false;
  }

  private collectKey(part: Buffer): void {
    this.keyBytes += part.length;
    if (this.keyBytes > MAX_KEY_BYTES) throw new InvalidInputError('publish body has an oversized object key');
    this.keyParts.push(Buffer.from(part));
  }

  private finishKey(): void {
    const top = this.top()!;
    try {
      top.key = JSON.parse(`"${Buffer.concat(this.keyParts).toString('utf8')}"`) as string;
    } catch {
      throw new InvalidInputError('publish body is not valid JSON');
    }
    top.expectKey = false;
  }
}

function nextQuoteOrBackslash(chunk: Buffer, from: number): number {
  const quote = chunk.indexOf(QUOTE, from);
  const backslash = chunk.indexOf(BACKSLASH, from);
  if (quote < 0) return backslash;
  if (backslash < 0) return quote;
  return Math.min(quote, backslash);
}

/**
 * Incremental base64 → bytes with strict checking (Buffer.from silently skips bad characters, which
 * would turn corrupted data into a wrong-but-accepted tarball).
 */
export class Base64Decoder {
  private rest = '';
  private padded = false;

  push(text: string): Buffer {
    if (text.length === 0) return Buffer.alloc(0);
    if (!/^[A-Za-z0-9+/=]*$/.test(text)) throw badBase64('attachment data is not valid base64 (unexpected character)');
    if (this.padded) throw badBase64('attachment data is not valid base64 (data after padding)');
    const all = this.rest + text;
    const eq = all.indexOf('=');
    if (eq >= 0) {
      if (!/^=+$/.test(all.slice(eq)) || all.length - eq > 2) throw badBase64('attachment data is not valid base64 (bad padding)');
      this.padded = true;
    }
    const whole = all.length - (all.length % 4);
    this.rest = all.slice(whole);
    return Buffer.from(all.slice(0, whole), 'base64');
  }

  end(): Buffer {
    if (this.rest.length === 0) return Buffer.alloc(0);
    if (this.padded || this.rest.length === 1) throw badBase64('attachment data is not valid base64 (truncated)');
    const tail = Buffer.from(this.rest, 'base64');
    this.rest = '';
    return tail;
  }
}

function badBase64(message: string): InvalidInputError {
  return new InvalidInputError(message, 'BAD_BASE64');
}
