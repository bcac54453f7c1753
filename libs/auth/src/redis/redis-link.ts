import Redis, { type RedisOptions } from 'ioredis';

/** How long a command waits for Redis before the caller falls back or answers 503. */
const COMMAND_TIMEOUT_MS = 1000;
/** Reconnect backoff: quick at first, at most one attempt a second, forever. */
const retryStrategy = (attempt: number) => Math.min(50 * attempt, 1000);

/**
 * The node's connections to Redis (PACKGATE_REDIS_URL): one for commands (throttle counters,
 * readiness), which fails fast while Redis is unreachable, and one each for publishing and
 * receiving cache invalidations. Every connection reconnects by itself.
 */
export class RedisLink {
  /** Fails at once while disconnected (no queue): callers fall back or answer 503. */
  readonly commands: Redis;
  private readonly extra: Redis[] = [];

  constructor(private readonly url: string) {
    this.commands = this.connection({ enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: COMMAND_TIMEOUT_MS });
  }

  /** A further connection (pub/sub needs its own). */
  connection(options: RedisOptions = {}): Redis {
    const client = new Redis(this.url, { connectTimeout: 2000, retryStrategy, lazyConnect: false, ...options });
    // Errors surface as failed commands and state changes; an 'error' without listener would only be printed.
    client.on('error', () => undefined);
    if (client !== this.commands) this.extra.push(client);
    return client;
  }

  /** Redis answers a PING within the command timeout. */
  async reachable(): Promise<boolean> {
    try {
      return (await this.commands.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    for (const client of [this.commands, ...this.extra]) {
      try {
        if (client.status === 'ready') await Promise.race([client.quit(), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
      } catch {
        // closing anyway
      }
      client.disconnect();
    }
  }
}
