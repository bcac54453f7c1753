import type { IncomingMessage } from 'node:http';

/** How much of a refused body is read and thrown away so that the client sees the answer. */
const MAX_DRAIN_BYTES = 1024 * 1024 * 1024;
/** A client that stops sending for this long gets the answer (and the connection closes). */
const DRAIN_IDLE_MS = 15_000;
/** A client still trickling bytes gets it after this long in any case. */
const MAX_DRAIN_MS = 300_000;

/**
 * Runs `answer` once the rest of the request body has been read and discarded (bounded in bytes,
 * silence and time). Node closes the connection as soon as a response ends while the request is still being
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
    clearTimeout(deadline);
    clearTimeout(idle);
    req.off('data', count);
    answer();
  };
  // On a busy machine a large body can take longer than any fixed time to arrive; what bounds the
  // drain is the byte cap, silence, and a generous overall deadline.
  const deadline = setTimeout(finish, MAX_DRAIN_MS);
  deadline.unref();
  const idle = setTimeout(finish, DRAIN_IDLE_MS);
  idle.unref();
  const count = (chunk: Buffer) => {
    read += chunk.length;
    if (read > MAX_DRAIN_BYTES) return finish();
    idle.refresh();
  };
  req.on('data', count);
  req.once('end', finish);
  req.once('close', finish);
  req.once('error', finish);
  req.resume();
}
