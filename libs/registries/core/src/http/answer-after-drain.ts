import type { IncomingMessage } from 'node:http';

/** How much of a refused body is read and thrown away so that the client sees the answer. */
const MAX_DRAIN_BYTES = 1024 * 1024 * 1024;
const MAX_DRAIN_MS = 60_000;

/**
 * Runs `answer` once the rest of the request body has been read and discarded (bounded in bytes and
 * time). Node closes the connection as soon as a response ends while the request is still being
 * sent, so a client busy uploading a large body (npm publish, twine) gets EPIPE or ECONNRESET
 * instead of the 413 that explains why. Beyond the bounds the answer goes out at once.
 */
export function answerAfterDrain(req: IncomingMessage, answer: () => void): void {
  if (req.complete || req.destroyed) return answer();
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_DRAIN_BYTES) return answer();
  let answered = false;
  let read = 0;
  const finish = () => {
    if (answered) return;
    answered = true;
    clearTimeout(timer);
    req.off('data', count);
    answer();
  };
  const count = (chunk: Buffer) => {
    read += chunk.length;
    if (read > MAX_DRAIN_BYTES) finish();
  };
  const timer = setTimeout(finish, MAX_DRAIN_MS);
  timer.unref();
  req.on('data', count);
  req.once('end', finish);
  req.once('close', finish);
  req.once('error', finish);
  req.resume();
}
