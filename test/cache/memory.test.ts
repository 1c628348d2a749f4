import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CacheLogger } from '../../src/cache/cache.js';
import { MemoryBus, MemoryCache } from '../../src/cache/memory.js';

/** What only the in-process cache promises, beyond the conformance suite. */

const T0 = Date.parse('2030-01-01T00:00:00Z');
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('MemoryCache', () => {
  const open: MemoryCache[] = [];
  const make = (opts: ConstructorParameters<typeof MemoryCache>[0] = {}): MemoryCache => {
    const cache = new MemoryCache(opts);
    open.push(cache);
    return cache;
  };
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(open.splice(0).map((c) => c.close()));
  });

  it('expires exactly at the TTL on the injected clock', async () => {
    let now = T0;
    const cache = make({ now: () => now });
    await cache.set('k', 'v', 2);
    now = T0 + 1999;
    expect(await cache.get('k')).toBe('v');
    now = T0 + 2000;
    expect(await cache.get('k')).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('incr keeps the TTL of the creating call; set replaces it', async () => {
    let now = T0;
    const cache = make({ now: () => now });
    await cache.incr('n', 10);
    now = T0 + 9000;
    expect(await cache.incr('n', 10)).toBe(2);
    now = T0 + 10_000;
    expect(await cache.get('n')).toBeNull();
    await cache.set('s', 'a', 1);
    await cache.set('s', 'b', 10);
    now += 5000;
    expect(await cache.get('s')).toBe('b');
  });

  it('sweeps expired entries on an unref()ed timer that close() clears', async () => {
    const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
    const clearIntervalSpy = vi.spyOn(globalThis, 'clearInterval');
    let now = T0;
    const cache = make({ now: () => now, sweepIntervalMs: 10 });
    const timer = setIntervalSpy.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);

    await cache.set('a', 'v', 1);
    await cache.set('b', 'v', 60);
    now = T0 + 1000;
    await vi.waitFor(() => expect(cache.size).toBe(1), { timeout: 1000, interval: 5 });

    await cache.close();
    expect(clearIntervalSpy).toHaveBeenCalledWith(timer);
  });

  it('evicts the least recently written entry when full, expired ones first, and warns once', async () => {
    let now = T0;
    const warnings: string[] = [];
    const logger: CacheLogger = { warn: (_obj, msg) => warnings.push(msg) };
    const cache = make({ now: () => now, maxEntries: 3, logger });
    await cache.set('a', '1', 60);
    await cache.set('b', '2', 60);
    await cache.set('c', '3', 60);
    await cache.set('a', '1*', 60); // rewriting refreshes: b is now the oldest write
    await cache.set('d', '4', 60);
    expect(await cache.get('b')).toBeNull();
    expect([await cache.get('a'), await cache.get('c'), await cache.get('d')]).toEqual(['1*', '3', '4']);
    await cache.set('e', '5', 60);
    expect(await cache.get('c')).toBeNull();
    expect(cache.size).toBe(3);
    expect(warnings).toHaveLength(1);

    await cache.set('short', 'x', 1); // evicts a, the oldest write
    now += 2000; // only short has expired
    await cache.set('f', '6', 60); // makes room by sweeping short: nothing live is evicted
    expect(await cache.get('d')).toBe('4');
    expect(await cache.get('e')).toBe('5');
    expect(await cache.get('f')).toBe('6');
  });

  it('delivers after publish returns, never inside it, and not after unsubscribe', async () => {
    const cache = make();
    const heard: string[] = [];
    const unsubscribe = await cache.subscribe('ch', (m) => heard.push(m));
    await cache.publish('ch', 'first');
    expect(heard).toEqual([]);
    await flush();
    expect(heard).toEqual(['first']);

    await cache.publish('ch', 'in-flight');
    await unsubscribe();
    await flush();
    expect(heard).toEqual(['first']);
  });

  it('close() ends its subscriptions on a shared bus', async () => {
    const bus = new MemoryBus();
    const a = make({ bus });
    const b = make({ bus });
    const heard: string[] = [];
    await b.subscribe('ch', (m) => heard.push(m));
    await b.close();
    await a.publish('ch', 'm');
    await flush();
    expect(heard).toEqual([]);
  });

  it('rejects a maxEntries that is not a positive integer', () => {
    expect(() => new MemoryCache({ maxEntries: 0 })).toThrow(TypeError);
  });
});
