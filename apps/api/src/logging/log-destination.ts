import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import pino from 'pino';

type Destination = ReturnType<typeof pino.destination>;

let destination: Destination | undefined;

/**
 * Where log lines go: stdout through one asynchronous writer per process (pino's SonicBoom with
 * `sync: false`), so a request never waits on a write(2) to a slow pipe or disk. Lines leave at
 * once (no minimum batch; lines written while a write is in flight go out together next). pino
 * flushes on a normal exit; flushLogs covers shutdown by signal and direct stdout writes.
 */
export function logDestination(): Destination {
  destination ??= pino.destination({ dest: 1, sync: false });
  return destination;
}

/** Writes out queued log lines now, e.g. before something else writes to stdout directly. */
export function flushLogs(): void {
  try {
    destination?.flushSync();
  } catch {
    // Not open yet or already closed: nothing queued that could still be written.
  }
}

/** Nest closes the app on SIGTERM/SIGINT and then re-raises the signal: no 'exit' event follows. */
@Injectable()
export class LogFlushOnShutdown implements OnApplicationShutdown {
  onApplicationShutdown(): void {
    flushLogs();
  }
}
