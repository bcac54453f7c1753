import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';

export interface ShutdownOptions {
  /** Longest wait for in-flight requests before their sockets are destroyed. */
  drainSeconds: number;
  log(message: string): void;
}

/**
 * SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish for at most
 * `drainSeconds`, destroy what is left (a stalled client must not keep the process alive), then
 * close the application (database, upload sessions) and exit. A second signal exits at once.
 * Draining comes before `app.close()` so requests still running keep their database.
 */
export function installShutdown(app: INestApplication, options: ShutdownOptions): void {
  const server = app.getHttpServer() as Server;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    options.log(`${signal}: draining in-flight requests for up to ${options.drainSeconds} s`);
    void shutdown(app, server, options).then(
      () => process.exit(0),
      (error: Error) => {
        options.log(`shutdown failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function shutdown(app: INestApplication, server: Server, options: ShutdownOptions): Promise<void> {
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive connections that finish their request become idle: close them as they do.
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), options.drainSeconds * 1000);
  });
  const outcome = await Promise.race([drained.then(() => 'drained' as const), deadline]);
  clearInterval(idle);
  clearTimeout(timer);
  if (outcome === 'deadline') {
    options.log('drain limit reached: closing the remaining connections');
    server.closeAllConnections();
  }
  // Bounded as well: a hung database close must not keep the process either.
  await Promise.race([app.close(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
}
