/** Size of one read from a blob file and of one write to the socket. */
export const SEND_CHUNK_BYTES = 1024 * 1024;
/** Chunk buffers kept for the next downloads; more in use at once are allocated and dropped. */
const KEPT_BUFFERS = 8;

const idle: Buffer[] = [];

/**
 * A buffer for `length` bytes (at most one chunk). Full chunks come from a small free list: a
 * fresh 1 MiB buffer per read is a fresh mapping the kernel must fault in and zero, which cost
 * downloads about a third of their system time.
 */
export function takeSendBuffer(length: number): Buffer {
  if (length < SEND_CHUNK_BYTES) return Buffer.allocUnsafe(length);
  return idle.pop() ?? Buffer.allocUnsafeSlow(SEND_CHUNK_BYTES);
}

/** Gives a buffer back once nothing refers to it any more (its socket write has completed). */
export function returnSendBuffer(buffer: Buffer): void {
  if (buffer.length === SEND_CHUNK_BYTES && buffer.byteOffset === 0 && idle.length < KEPT_BUFFERS) idle.push(buffer);
}
