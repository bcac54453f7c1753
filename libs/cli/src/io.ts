import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './args';

/** The process streams, replaceable in tests. */
export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Reads a whole stream (stdin) as text. */
export function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer | string) => chunks.push(Buffer.from(chunk)));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}

/** A token from `-f FILE` (`-` = stdin) or stdin; never from the command line. */
export async function readToken(file: string | undefined, io: CliIo): Promise<string> {
  let text: string;
  if (file && file !== '-') {
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      throw new UsageError(`cannot read ${file}: ${code || message}`);
    }
  } else {
    if (io.stdin.isTTY) io.stderr.write('Paste the token, then press Enter and Ctrl-D:\n');
    text = await readStream(io.stdin);
  }
  const token = text.trim();
  if (!token) throw new UsageError(file ? `${file} is empty` : 'no token on stdin (use -f FILE or pipe the token in)');
  if (/\s/.test(token)) throw new UsageError('expected exactly one token');
  return token;
}

/** Writes a secret-bearing file: parent dirs 0700, the file 0600 (also when it already existed), atomically. */
export function writeSecretFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temp, content, { mode: 0o600 });
  fs.chmodSync(temp, 0o600);
  fs.renameSync(temp, file);
}

/** Reads a hidden line from the terminal (for passwords). */
export function promptHidden(question: string, io: CliIo): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = io.stdin;
    if (!input.isTTY || !input.setRawMode) return reject(new UsageError('no password: set PACKGATE_PASSWORD or use a token (PACKGATE_TOKEN, --auth-file)'));
    const setRawMode = input.setRawMode.bind(input);
    io.stderr.write(question);
    setRawMode(true);
    input.resume();
    let value = '';
    const onData = (chunk: Buffer | string) => {
      for (const char of Buffer.from(chunk).toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          setRawMode(false);
          input.pause();
          input.removeListener('data', onData);
          io.stderr.write('\n');
          return resolve(value);
        }
        if (char === '\u0003') {
          setRawMode(false);
          return reject(new UsageError('cancelled'));
        }
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    input.on('data', onData);
  });
}
