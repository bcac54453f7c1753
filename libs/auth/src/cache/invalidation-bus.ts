import { randomUUID } from 'node:crypto';
/** What the bus needs of a cache (TtlCache has it). */
export interface GuardedCache {
  suspend(): void;
  resume(): void;
}
export interface KeyedCache<K> extends GuardedCache {
  delete(key: K): void;
}

/**
 * How invalidations travel between the nodes of an installation (Redis pub/sub when configured).
 * Delivery is best effort; whenever messages may be missed the transport says so through
 * `listening(false)`, and `listening(true)` once everything sent from then on is heard again.
 */
export interface InvalidationTransport {
  publish(message: string): void;
  listen(onMessage: (message: string) => void, listening: (heard: boolean) => void): void;
  /** True while invalidations from other nodes are being heard. */
  readonly heard: boolean;
  close(): Promise<void>;
}

interface Envelope {
  /** The sending bus, so a node does not apply its own change twice. */
  o: string;
  t: string;
  p: unknown;
}

/**
 * Carries "drop this cache entry" from the node that changed something to every node. Caches
 * register by name; `drop`/`publish` apply the change here at once and send it to the others.
 *
 * Without a transport (one node) nothing leaves the process and caches behave as before. With one,
 * the registered caches are suspended (hold nothing, the database answers) whenever the transport
 * cannot hear other nodes, and start again from empty once it can: a node never serves an entry it
 * might have missed the invalidation of.
 */
export class InvalidationBus {
  private readonly topics = new Map<string, (payload: unknown) => void>();
  private readonly caches = new Set<GuardedCache>();
  private readonly origin = randomUUID();
  private listening: boolean;
  private everHeard = false;

  constructor(
    private readonly transport?: InvalidationTransport,
    private readonly log: (message: string, level: 'info' | 'warn') => void = () => undefined,
  ) {
    this.listening = transport === undefined;
    transport?.listen(
      (message) => this.receive(message),
      (heard) => this.setListening(heard),
    );
  }

  /** True while this node hears every other node's invalidations (always, without a transport). */
  get hearing(): boolean {
    return this.listening;
  }

  /** A cache whose entries `drop(name, key)` removes on every node; suspended while deaf. */
  register<K extends string | number>(name: string, cache: KeyedCache<K>): void {
    this.on(name, (key) => cache.delete(key as K));
    this.guard(cache);
  }

  /** What this node does when `publish(name, payload)` is called on any node. Names are unique. */
  on<T>(name: string, apply: (payload: T) => void): void {
    if (this.topics.has(name)) throw new Error(`invalidation topic ${name} registered twice`);
    this.topics.set(name, apply as (payload: unknown) => void);
  }

  /** Suspends `cache` whenever invalidations cannot be heard (for caches that use `on`). */
  guard(cache: GuardedCache): void {
    this.caches.add(cache);
    if (!this.listening) cache.suspend();
  }

  drop<K extends string | number>(name: string, key: K): void {
    this.publish(name, key);
  }

  /** Applies the invalidation here now, then sends it to the other nodes. `payload` must be JSON. */
  publish<T>(name: string, payload: T): void {
    const apply = this.topics.get(name);
    if (!apply) throw new Error(`unknown invalidation topic ${name}`);
    apply(payload);
    this.transport?.publish(JSON.stringify({ o: this.origin, t: name, p: payload } satisfies Envelope));
  }

  async close(): Promise<void> {
    await this.transport?.close();
  }

  private receive(message: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      return;
    }
    if (envelope?.o === this.origin || typeof envelope?.t !== 'string') return;
    const apply = this.topics.get(envelope.t);
    if (!apply) return;
    try {
      apply(envelope.p);
    } catch (error) {
      this.log(`invalidation ${envelope.t} failed: ${(error as Error).message}`, 'warn');
    }
  }

  private setListening(heard: boolean): void {
    if (heard === this.listening) return;
    this.listening = heard;
    for (const cache of this.caches) {
      if (heard) cache.resume();
      else cache.suspend();
    }
    if (heard && !this.everHeard) this.log('listening for cache invalidations from other nodes', 'info');
    else this.log(heard ? 'cache invalidations are heard again: caches resumed from empty' : 'cache invalidations cannot be heard: caches bypassed until they can', 'warn');
    if (heard) this.everHeard = true;
  }
}
