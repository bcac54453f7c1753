import { TtlCache } from './ttl-cache';

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('TtlCache', () => {
  it('expires an entry after its TTL, counted from set, not from reads', () => {
    const time = clock();
    const cache = new TtlCache<string, number>(1000, { maxEntries: 10, now: time.now });
    cache.set('a', 1);
    time.advance(600);
    expect(cache.get('a')).toBe(1);
    time.advance(399);
    expect(cache.get('a')).toBe(1);
    time.advance(2);
    expect(cache.get('a')).toBeUndefined();
  });

  it('evicts the least recently used entry when the entry budget is full', () => {
    const cache = new TtlCache<string, number>(60_000, 3);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.get('a')).toBe(1); // a is now more recent than b
    cache.set('d', 4);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([1, 3, 4]);
    expect(cache.size).toBe(3);
  });

  it('keeps the byte budget: evicts least recently used, never stores an oversized entry', () => {
    const cache = new TtlCache<string, Buffer>(Infinity, { maxEntries: 100, maxBytes: 100, maxEntryBytes: 60, sizeOf: (value) => value.length });
    cache.set('a', Buffer.alloc(40));
    cache.set('b', Buffer.alloc(40));
    cache.get('a');
    cache.set('c', Buffer.alloc(40));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.bytes).toBe(80);
    cache.set('big', Buffer.alloc(61));
    expect(cache.get('big')).toBeUndefined();
    expect(cache.bytes).toBeLessThanOrEqual(100);
  });

  it('keeps the entry budget beside a byte budget, evicting the least recently used', () => {
    const cache = new TtlCache<string, Buffer>(Infinity, { maxEntries: 2, maxBytes: 1000, sizeOf: (value) => value.length });
    cache.set('a', Buffer.alloc(10));
    cache.set('b', Buffer.alloc(10));
    cache.get('a');
    cache.set('c', Buffer.alloc(10));
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a')?.length, cache.get('c')?.length]).toEqual([10, 10]);
    expect(cache.size).toBe(2);
    expect(cache.bytes).toBe(20);
  });

  it('Infinity keeps entries until evicted; a TTL of 0 disables the cache', () => {
    const time = clock();
    const forever = new TtlCache<string, number>(Infinity, { maxEntries: 2, now: time.now });
    forever.set('a', 1);
    time.advance(365 * 24 * 3600_000);
    expect(forever.get('a')).toBe(1);
    const off = new TtlCache<string, number>(0, 2);
    off.set('a', 1);
    expect(off.get('a')).toBeUndefined();
  });

  it('caches null (a negative result) and tells it apart from a miss', () => {
    const cache = new TtlCache<string, number | null>(60_000, 2);
    cache.set('none', null);
    expect(cache.get('none')).toBeNull();
    expect(cache.get('other')).toBeUndefined();
  });

  it('delete, deleteWhere and clear invalidate at once', () => {
    const cache = new TtlCache<string, { owner: number } | null>(60_000, 10);
    cache.set('1:a', { owner: 1 });
    cache.set('1:b', null);
    cache.set('2:a', { owner: 2 });
    cache.set('3:a', { owner: 3 });
    cache.delete('3:a');
    expect(cache.get('3:a')).toBeUndefined();
    cache.deleteWhere((key, value) => key.startsWith('1:') || value?.owner === 9);
    expect(cache.get('1:a')).toBeUndefined();
    expect(cache.get('1:b')).toBeUndefined();
    expect(cache.get('2:a')).toEqual({ owner: 2 });
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('refuses a byte budget without a size function', () => {
    expect(() => new TtlCache<string, Buffer>(1000, { maxEntries: 1, maxBytes: 10 })).toThrow();
  });
});
