import { InvalidationBus, InvalidationTransport } from './invalidation-bus';
import { TtlCache } from './ttl-cache';

/** A transport joining buses in one process (the Redis one is exercised in test/cluster). */
class Wire {
  readonly ends: LoopTransport[] = [];
  end(): LoopTransport {
    const end = new LoopTransport(this);
    this.ends.push(end);
    return end;
  }
}

class LoopTransport implements InvalidationTransport {
  heard = false;
  private deliver?: (message: string) => void;
  private state?: (heard: boolean) => void;
  constructor(private readonly wire: Wire) {}
  publish(message: string): void {
    for (const end of this.wire.ends) if (end.heard) end.deliver?.(message);
  }
  listen(onMessage: (message: string) => void, listening: (heard: boolean) => void): void {
    this.deliver = onMessage;
    this.state = listening;
  }
  set(heard: boolean): void {
    this.heard = heard;
    this.state?.(heard);
  }
  async close(): Promise<void> {}
}

describe('InvalidationBus', () => {
  it('drops an entry here at once without a transport, and caches stay on', () => {
    const bus = new InvalidationBus();
    const cache = new TtlCache<string, number>(60_000, 10);
    bus.register('c', cache);
    cache.set('a', 1);
    cache.set('b', 2);
    bus.drop('c', 'a');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe(2);
    expect(bus.hearing).toBe(true);
  });

  it('drops the entry on every node, and applies its own change once', () => {
    const wire = new Wire();
    const [endA, endB] = [wire.end(), wire.end()];
    const a = new InvalidationBus(endA);
    const b = new InvalidationBus(endB);
    endA.set(true);
    endB.set(true);
    const cacheA = new TtlCache<number, string>(60_000, 10);
    const cacheB = new TtlCache<number, string>(60_000, 10);
    let appliedOnA = 0;
    a.on<number>('users', (id) => {
      appliedOnA += 1;
      cacheA.delete(id);
    });
    b.register('users', cacheB);
    cacheA.set(7, 'alice');
    cacheB.set(7, 'alice');
    cacheB.set(8, 'bob');
    a.publish('users', 7);
    expect(appliedOnA).toBe(1);
    expect(cacheA.get(7)).toBeUndefined();
    expect(cacheB.get(7)).toBeUndefined();
    expect(cacheB.get(8)).toBe('bob');
  });

  it('holds nothing while deaf and starts from empty once it hears again', () => {
    const wire = new Wire();
    const end = wire.end();
    const bus = new InvalidationBus(end);
    const cache = new TtlCache<string, number>(60_000, 10);
    bus.register('c', cache);
    expect(bus.hearing).toBe(false);
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
    end.set(true);
    cache.set('a', 1);
    expect(cache.get('a')).toBe(1);
    end.set(false);
    expect(cache.get('a')).toBeUndefined();
    end.set(true);
    expect(cache.get('a')).toBeUndefined();
  });

  it('ignores foreign or malformed messages and refuses a topic registered twice', () => {
    const wire = new Wire();
    const end = wire.end();
    const bus = new InvalidationBus(end);
    end.set(true);
    bus.on('x', () => undefined);
    expect(() => bus.on('x', () => undefined)).toThrow();
    const other = wire.end();
    other.set(true);
    expect(() => other.publish('not json')).not.toThrow();
    expect(() => other.publish(JSON.stringify({ o: 'someone', t: 'unknown', p: 1 }))).not.toThrow();
  });
});

describe('TtlCache stamps', () => {
  it('does not store a value read before an invalidation that arrived meanwhile', () => {
    const cache = new TtlCache<string, number>(60_000, 10);
    const stamp = cache.stamp();
    cache.delete('a'); // another node revoked it while the database read was in flight
    cache.set('a', 1, stamp);
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', 2, cache.stamp());
    expect(cache.get('a')).toBe(2);
  });
});
