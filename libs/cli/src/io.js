'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { UsageError } = require('./args');

/** Reads a whole stream (stdin) as text. */
function readStream(stream) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(Buffer.from(chunk)));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}

/** A token from `-f FILE` (`-` = stdin) or stdin; never from the command line. */
async function readToken(file, io) {
  let text;
  if (file && file !== '-') {
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${error.code || error.message}`);
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
function writeSecretFile(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temp, content, { mode: 0o600 });
  fs.chmodSync(temp, 0o600);
  fs.renameSync(temp, file);
}

/** Reads a hidden line from the terminal (for passwords). */
function promptHidden(question, io) {
  return new Promise((resolve, reject) => {
    const input = io.stdin;
    if (!input.isTTY) return reject(new UsageError('no password: set PACKGATE_PASSWORD or use a token (PACKGATE_TOKEN, --auth-file)'));
    io.stderr.write(question);
    input.setRawMode(true);
    input.resume();
    let value = '';
    const onData = (chunk) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          input.setRawMode(false);
          input.pause();
          input.removeListener('data', onData);
          io.stderr.write('\n');
          return resolve(value);
        }
        if (char === '\u0003') {
          input.setRawMode(false);
          return reject(new UsageError('cancelled'));
        }
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    input.on('data', onData);
  });
}

module.exports = { readToken, writeSecretFile, promptHidden, readStream };
