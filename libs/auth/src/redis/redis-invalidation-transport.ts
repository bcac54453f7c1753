import { createHmac } from 'node:crypto';
import type Redis from 'ioredis';
import type { InvalidationTransport } from '../cache/invalidation-bus';
import type { RedisLink } from './redis-link';

/** One channel per installation (derived from its secret), so installations may share a Redis. */
export function invalidationChannel(secret: Buffer): string {
  return `packgate:invalidate:${createHmac('sha256', secret).update('cache invalidation channel').digest('hex').slice(0, 16)}`;
}
/** A subscriber that does not answer a PING this fast is treated as deaf and reconnected. */
const HEARTBEAT_MS = 1000;
const HEARTBEAT_TIMEOUT_MS = 1500;

/**
 * Cache invalidations over Redis pub/sub. Publishing queues while Redis is unreachable and sends on
 * reconnect. The subscriber reports itself deaf whenever its connection is not subscribed (closed,
 * reconnecting, or silent to a heartbeat PING) and heard again only once SUBSCRIBE has succeeded on
 * the new connection: messages sent in between are lost, which the bus answers by starting its
 * caches from empty.
 */
export class RedisInvalidationTransport implements InvalidationTransport {
  private readonly publisher: Redis;
  private subscriber?: Redis;
  private heartbeat?: NodeJS.Timeout;
  private subscribed = false;
  private closed = false;

  constructor(
    private readonly link: RedisLink,
    private readonly channel: string,
  ) {
    this.publisher = link.connection({ maxRetriesPerRequest: null });
  }

  get heard(): boolean {
    return this.subscribed;
  }

  publish(message: string): void {
    this.publisher.publish(this.channel, message).catch(() => undefined);
  }

  listen(onMessage: (message: string) => void, listening: (heard: boolean) => void): void {
    const subscriber = this.link.connection({ autoResubscribe: false, maxRetriesPerRequest: null });
    this.subscriber = subscriber;
    const deaf = () => {
      if (!this.subscribed) return;
      this.subscribed = false;
      listening(false);
    };
    subscriber.on('ready', () => {
      subscriber.subscribe(this.channel).then(
        () => {
          if (this.closed || subscriber.status !== 'ready') return;
          this.subscribed = true;
          listening(true);
        },
        () => subscriber.disconnect(true),
      );
    });
    for (const event of ['close', 'end', 'reconnecting']) subscriber.on(event, deaf);
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) onMessage(message);
    });
    this.heartbeat = setInterval(() => {
      if (!this.subscribed) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error('heartbeat timed out')), HEARTBEAT_TIMEOUT_MS);
      });
      Promise.race([subscriber.ping(), timeout])
        .catch(() => {
          deaf();
          subscriber.disconnect(true);
        })
        .finally(() => clearTimeout(timer));
    }, HEARTBEAT_MS).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscribed = false;
    clearInterval(this.heartbeat);
  }
}
