import { LRUCache } from 'lru-cache';

/** How much a cache may hold: always a number of entries, and for byte-holding caches a size budget. */
export interface CacheBudget<K, V> {
  maxEntries: number;
  /** Total of `sizeOf` over all entries; least recently used entries go first when it is exceeded. */
  maxBytes?: number;
  /** Entries larger than this are never stored (default: maxBytes). */
  maxEntryBytes?: number;
  /** Size of one entry in bytes (approximate is fine); required with maxBytes. */
  sizeOf?: (value: V, key: K) => number;
  /** Clock in milliseconds, for tests. */
  now?: () => number;
}

/** lru-cache does not hold null/undefined values; negative results (e.g. "no such token") are cached too. */
const NOTHING = Symbol('cached nothing');

/**
 * An in-process LRU cache with a time-to-live, explicit invalidation and a budget. `ttlMs` ≤ 0 turns
 * the cache off (set is a no-op); `Infinity` keeps entries until evicted. Entries are only returned
 * within their TTL from `set` (reads do not extend it).
 *
 * A value read from the database while an invalidation arrived may already be stale: callers take a
 * `stamp()` before reading and pass it to `set`, which then stores nothing if anything was dropped
 * since. While `suspend`ed (its invalidations cannot be heard) the cache holds and returns nothing.
 */
export class TtlCache<K, V> {
  private readonly lru: LRUCache<NonNullable<K>, object>;
  private readonly enabled: boolean;
  private readonly maxEntries: number;
  private readonly countsBytes: boolean;
  private suspended = false;
  private generation = 0;

  constructor(ttlMs: number, budget: number | CacheBudget<K, V> = 10_000) {
    const options: CacheBudget<K, V> = typeof budget === 'number' ? { maxEntries: budget } : budget;
    if (!(options.maxEntries > 0)) throw new Error('cache needs a positive entry budget');
    if (options.maxBytes !== undefined && !options.sizeOf) throw new Error('a byte budget needs sizeOf');
    this.enabled = ttlMs > 0;
    this.maxEntries = options.maxEntries;
    const sizeOf = options.sizeOf;
    this.countsBytes = options.maxBytes !== undefined && sizeOf !== undefined;
    // No `max`: with it lru-cache allocates its index arrays for the whole budget up front (about
    // 44 bytes per entry, ~14 MiB over all caches of an idle server). The entry budget is a size
    // budget of one per entry instead, or, beside a byte budget, enforced after each set.
    this.lru = new LRUCache<NonNullable<K>, object>({
      ttl: Number.isFinite(ttlMs) && ttlMs > 0 ? ttlMs : 0,
      ttlAutopurge: false,
      ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
      ...(options.maxBytes !== undefined && sizeOf
        ? {
            maxSize: options.maxBytes,
            maxEntrySize: options.maxEntryBytes ?? options.maxBytes,
            sizeCalculation: (value: object, key: NonNullable<K>) => Math.max(1, Math.ceil(sizeOf(unwrap<V>(value), key))),
          }
        : { maxSize: options.maxEntries, sizeCalculation: () => 1 }),
    });
  }

  get(key: K): V | undefined {
    if (this.suspended) return undefined;
    const value = this.lru.get(key as NonNullable<K>);
    return value === undefined ? undefined : unwrap<V>(value);
  }

  /** A marker for `set`: the value about to be read is stored only if nothing is dropped meanwhile. */
  stamp(): number {
    return this.generation;
  }

  set(key: K, value: V, stamp?: number): void {
    if (!this.enabled || this.suspended) return;
    if (stamp !== undefined && stamp !== this.generation) return;
    if (value === undefined) {
      this.lru.delete(key as NonNullable<K>);
      return;
    }
    this.lru.set(key as NonNullable<K>, value === null ? (NOTHING as unknown as object) : (value as object));
    if (this.countsBytes) while (this.lru.size > this.maxEntries) this.lru.pop();
  }

  delete(key: K): void {
    this.generation += 1;
    this.lru.delete(key as NonNullable<K>);
  }

  deleteWhere(predicate: (key: K, value: V) => boolean): void {
    this.generation += 1;
    const doomed: NonNullable<K>[] = [];
    for (const [key, value] of this.lru.entries()) if (predicate(key, unwrap<V>(value))) doomed.push(key);
    for (const key of doomed) this.lru.delete(key);
  }

  clear(): void {
    this.generation += 1;
    this.lru.clear();
  }

  /** Empties the cache and keeps it empty until `resume` (get misses, set stores nothing). */
  suspend(): void {
    this.suspended = true;
    this.clear();
  }

  /** Starts caching again, from empty. */
  resume(): void {
    this.clear();
    this.suspended = false;
  }

  get size(): number {
    return this.lru.size;
  }

  /** Sum of entry sizes (0 without a byte budget). */
  get bytes(): number {
    return this.countsBytes ? this.lru.calculatedSize : 0;
  }
}

function unwrap<V>(value: object): V {
  return (value === (NOTHING as unknown as object) ? null : value) as V;
}
