import { describe, expect, it } from 'vitest';
import { Lru } from '../../src/cache/lru.js';

describe('Lru', () => {
  it('evicts the least recently used entry beyond max; get refreshes, peek does not', () => {
    const lru = new Lru<string, number>({ max: 3 });
    lru.set('a', 1).set('b', 2).set('c', 3);
    expect(lru.get('a')).toBe(1); // order now b, c, a
    expect(lru.peek('b')).toBe(2); // order unchanged
    lru.set('d', 4);
    expect(lru.has('b')).toBe(false);
    expect([lru.get('a'), lru.get('c'), lru.get('d')]).toEqual([1, 3, 4]);
    expect(lru.size).toBe(3);
    lru.set('c', 33); // overwriting refreshes too: order a, d, c
    lru.set('e', 5);
    expect(lru.has('a')).toBe(false);
    expect(lru.get('c')).toBe(33);
  });

  it('expires entries on the injected clock, with a per-entry override', () => {
    let now = 1_000;
    const lru = new Lru<string, string>({ max: 10, ttlMs: 100, now: () => now });
    lru.set('default', 'x');
    lru.set('long', 'y', 1_000);
    now += 99;
    expect(lru.get('default')).toBe('x');
    now += 1;
    expect(lru.get('default')).toBeUndefined();
    expect(lru.has('default')).toBe(false);
    expect(lru.peek('long')).toBe('y');
    now += 900;
    expect(lru.has('long')).toBe(false);
    expect(lru.size).toBe(0);
  });

  it('keeps entries forever without a TTL', () => {
    let now = 0;
    const lru = new Lru<number, string>({ max: 2, now: () => now });
    lru.set(1, 'one');
    now = Number.MAX_SAFE_INTEGER;
    expect(lru.get(1)).toBe('one');
  });

  it('getOrSet builds once and caches, including falsy values', () => {
    const lru = new Lru<string, number | undefined>({ max: 2 });
    let builds = 0;
    const build = (): number | undefined => {
      builds++;
      return undefined;
    };
    expect(lru.getOrSet('k', build)).toBeUndefined();
    expect(lru.getOrSet('k', build)).toBeUndefined();
    expect(builds).toBe(1);
  });

  it('delete and clear', () => {
    const lru = new Lru<string, number>({ max: 5 });
    lru.set('a', 1).set('b', 2);
    expect(lru.delete('a')).toBe(true);
    expect(lru.delete('a')).toBe(false);
    lru.clear();
    expect(lru.size).toBe(0);
  });

  it('rejects a bad max or TTL', () => {
    expect(() => new Lru({ max: 0 })).toThrow(TypeError);
    expect(() => new Lru({ max: 1.5 })).toThrow(TypeError);
    expect(() => new Lru({ max: 1, ttlMs: 0 })).toThrow(TypeError);
    expect(() => new Lru<string, string>({ max: 1 }).set('k', 'v', -1)).toThrow(TypeError);
  });
});
