import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Cache, CacheLogger } from '../../src/cache/cache.js';
import { MemoryBus, MemoryCache } from '../../src/cache/memory.js';
import { RedisCache } from '../../src/cache/redis.js';
import { AwsError } from '../../src/errors/index.js';

/**
 * One suite, every Cache implementation (dex's storage/conformance idea): MemoryCache always,
 * RedisCache when REDIS_URL is set. Each test gets its own key prefix and removes its keys.
 */

interface Warning {
  obj: object;
  msg: string;
}

interface Env {
  /** A new Cache on the shared backing store (a "replica"), namespaced by `prefix` (default: this test's). */
  open(prefix?: string): Cache;
  /** Lets `ms` pass: moves the pinned clock (memory) or really waits (redis). */
  elapse(ms: number): Promise<void>;
  /** A fresh prefix, cleaned up with the test. */
  prefix(): string;
  readonly warnings: Warning[];
  cleanup(): Promise<void>;
}

interface Backend {
  env(): Env;
  dispose(): Promise<void>;
}

const newPrefix = (): string => `tessera-test:${randomUUID()}:`;

function capturingLogger(warnings: Warning[]): CacheLogger {
  return { warn: (obj, msg) => warnings.push({ obj, msg }) };
}

function memoryBackend(): Backend {
  return {
    env() {
      let now = Date.parse('2030-01-01T00:00:00Z');
      const bus = new MemoryBus();
      const warnings: Warning[] = [];
      const opened: Cache[] = [];
      const main = newPrefix();
      return {
        warnings,
        open(prefix = main) {
          const cache = new MemoryCache({ now: () => now, bus, keyPrefix: prefix, logger: capturingLogger(warnings) });
          opened.push(cache);
          return cache;
        },
        async elapse(ms) {
          now += ms;
        },
        prefix: newPrefix,
        async cleanup() {
          await Promise.all(opened.map((c) => c.close()));
        },
      };
    },
    async dispose() {},
  };
}

function redisBackend(url: string): Backend {
  let admin: Redis | undefined;
  return {
    env() {
      const warnings: Warning[] = [];
      const opened: Cache[] = [];
      const prefixes = [newPrefix()];
      return {
        warnings,
        open(prefix = prefixes[0]) {
          const cache = new RedisCache(url, { keyPrefix: prefix, logger: capturingLogger(warnings) });
          opened.push(cache);
          return cache;
        },
        elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        prefix() {
          const p = newPrefix();
          prefixes.push(p);
          return p;
        },
        async cleanup() {
          await Promise.all(opened.map((c) => c.close()));
          admin ??= new Redis(url);
          for (const p of prefixes) {
            const keys = await admin.keys(`${p}*`);
            if (keys.length > 0) await admin.del(...keys);
          }
        },
      };
    },
    async dispose() {
      await admin?.quit();
    },
  };
}

async function waitFor(condition: () => boolean, withinMs = 1000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function expectAwsError(err: unknown, code: string, status: number): void {
  expect(err).toBeInstanceOf(AwsError);
  expect((err as AwsError).code).toBe(code);
  expect((err as AwsError).status).toBe(status);
}

function conformance(backend: () => Backend): void {
  let be: Backend;
  let env: Env;
  let cache: Cache;

  beforeEach(() => {
    be ??= backend();
    env = be.env();
    cache = env.open();
  });
  afterEach(async () => {
    await env.cleanup();
  });
  afterAll(async () => {
    await be?.dispose();
  });

  it('gets what was set, overwrites, and deletes', async () => {
    expect(await cache.get('absent')).toBeNull();
    await cache.set('k', 'v1', 60);
    expect(await cache.get('k')).toBe('v1');
    await cache.set('k', 'v2', 60);
    expect(await cache.get('k')).toBe('v2');
    await cache.del('k');
    expect(await cache.get('k')).toBeNull();
    await cache.del('k');
    await cache.set('unicode', 'é ✓ \u0000 "quoted"', 60);
    expect(await cache.get('unicode')).toBe('é ✓ \u0000 "quoted"');
  });

  it('getMany reads several keys in order, null where absent or expired', async () => {
    expect(await cache.getMany([])).toEqual([]);
    await cache.set('a', '1', 60);
    await cache.set('short', 'x', 1);
    await cache.setIfGreater('n', 7, 60);
    expect(await cache.getMany(['a', 'missing', 'n', 'a'])).toEqual(['1', null, '7', '1']);
    await env.elapse(1100);
    expect(await cache.getMany(['short', 'a'])).toEqual([null, '1']);
    const other = env.open(env.prefix());
    expect(await other.getMany(['a'])).toEqual([null]);
  });

  it('expires every kind of write after its TTL', async () => {
    await cache.set('set', 'v', 1);
    expect(await cache.setIfAbsent('nx', 'v', 1)).toBe(true);
    expect(await cache.setIfGreater('counter', 5, 1)).toBe(true);
    expect(await cache.incr('hits', 1)).toBe(1);
    expect(await cache.incr('hits', 3600)).toBe(2); // the TTL is the creating call's
    await cache.set('long', 'v', 60);
    expect(await cache.get('set')).toBe('v');
    expect(await cache.get('nx')).toBe('v');
    expect(await cache.get('counter')).toBe('5');

    await env.elapse(1100);

    expect(await cache.get('set')).toBeNull();
    expect(await cache.get('nx')).toBeNull();
    expect(await cache.get('counter')).toBeNull();
    expect(await cache.get('hits')).toBeNull();
    expect(await cache.get('long')).toBe('v');
    expect(await cache.setIfAbsent('nx', 'again', 60)).toBe(true);
    expect(await cache.setIfGreater('counter', 1, 60)).toBe(true);
    expect(await cache.incr('hits', 60)).toBe(1);
  });

  it('setIfAbsent: exactly one of 20 concurrent callers stores', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => cache.setIfAbsent('lock', `owner-${i}`, 30)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await cache.get('lock')).toBe(`owner-${results.indexOf(true)}`);
    expect(await cache.setIfAbsent('lock', 'late', 30)).toBe(false);
    await cache.del('lock');
    expect(await cache.setIfAbsent('lock', 'after-del', 30)).toBe(true);
    expect(await cache.get('lock')).toBe('after-del');
  });

  it('setIfGreater stores only over an absent or lower number', async () => {
    expect(await cache.setIfGreater('totp', 100, 60)).toBe(true);
    expect(await cache.get('totp')).toBe('100');
    expect(await cache.setIfGreater('totp', 99, 60)).toBe(false);
    expect(await cache.setIfGreater('totp', 100, 60)).toBe(false); // replay of the same counter
    expect(await cache.setIfGreater('totp', 101, 60)).toBe(true);
    expect(await cache.get('totp')).toBe('101');
    expect(await cache.setIfGreater('negative', -5, 60)).toBe(true);
    expect(await cache.setIfGreater('negative', -2, 60)).toBe(true);
    expect(await cache.get('negative')).toBe('-2');
    expect(await cache.setIfGreater('big', 1e12, 60)).toBe(true);
    expect(await cache.setIfGreater('big', 1e12 + 1, 60)).toBe(true);
    await cache.set('text', 'not a number', 60);
    expect(await cache.setIfGreater('text', 1, 60)).toBe(false);
    expect(await cache.get('text')).toBe('not a number');
  });

  it('setIfGreater is atomic under 20 concurrent callers', async () => {
    const values = Array.from({ length: 20 }, (_, i) => ((i * 7) % 20) + 1); // 1..20, shuffled
    const results = await Promise.all(values.map((v) => cache.setIfGreater('race', v, 60)));
    expect(await cache.get('race')).toBe('20');
    expect(results[values.indexOf(20)]).toBe(true);
  });

  it('incr counts atomically and rejects a non-integer value', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => cache.incr('rate', 60)));
    expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await cache.get('rate')).toBe('20');
    await cache.set('seeded', '41', 60);
    expect(await cache.incr('seeded', 60)).toBe(42);
    await cache.set('text', 'abc', 60);
    const err = await cache.incr('text', 60).then(() => null, (e: unknown) => e);
    expectAwsError(err, 'InternalFailure', 500);
    expect((err as Error).cause).toBeInstanceOf(Error);
  });

  it('rejects TTLs that are not positive integers with a TypeError, writing nothing', async () => {
    for (const ttl of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(cache.set('k', 'v', ttl)).rejects.toThrow(TypeError);
      await expect(cache.setIfAbsent('k', 'v', ttl)).rejects.toThrow(TypeError);
      await expect(cache.setIfGreater('k', 1, ttl)).rejects.toThrow(TypeError);
      await expect(cache.incr('k', ttl)).rejects.toThrow(TypeError);
    }
    await expect(cache.setIfGreater('k', Number.NaN, 60)).rejects.toThrow(TypeError);
    expect(await cache.get('k')).toBeNull();
  });

  it('keeps keys and channels of different prefixes apart', async () => {
    const other = env.open(env.prefix());
    await cache.set('k', 'mine', 60);
    expect(await other.get('k')).toBeNull();
    const heard: string[] = [];
    await cache.subscribe('ch', (m) => heard.push(m));
    await other.publish('ch', 'foreign');
    await cache.publish('ch', 'own');
    await waitFor(() => heard.length >= 1);
    await env.elapse(0);
    expect(heard).toEqual(['own']);
  });

  it('delivers publishes to subscribers on every instance, in order, within 1 s', async () => {
    const peer = env.open();
    const atSelf: string[] = [];
    const atPeer: string[] = [];
    await cache.subscribe('config', (m) => atSelf.push(m));
    await peer.subscribe('config', (m) => atPeer.push(m));
    for (const m of ['one', 'two', 'three']) await cache.publish('config', m);
    await waitFor(() => atSelf.length === 3 && atPeer.length === 3, 1000);
    expect(atPeer).toEqual(['one', 'two', 'three']);
    expect(atSelf).toEqual(['one', 'two', 'three']);
  });

  it('unsubscribe stops delivery, for one handler and for the whole channel', async () => {
    const publisher = env.open();
    const gone: string[] = [];
    const kept: string[] = [];
    const sentinel: string[] = [];
    const unsubscribeGone = await cache.subscribe('ch', (m) => gone.push(m));
    const unsubscribeKept = await cache.subscribe('ch', (m) => kept.push(m));
    await cache.subscribe('sentinel', (m) => sentinel.push(m));

    await unsubscribeGone();
    await unsubscribeGone(); // idempotent
    await publisher.publish('ch', 'x');
    await waitFor(() => kept.length === 1);
    expect(gone).toEqual([]);

    await unsubscribeKept();
    await publisher.publish('ch', 'y');
    await publisher.publish('sentinel', 'after-y'); // same publisher, same order: y would come first
    await waitFor(() => sentinel.length === 1);
    expect(kept).toEqual(['x']);

    const again: string[] = [];
    await cache.subscribe('ch', (m) => again.push(m));
    await publisher.publish('ch', 'z');
    await waitFor(() => again.length === 1);
    expect(again).toEqual(['z']);
  });

  it('a throwing handler is logged and does not stop the others', async () => {
    const heard: string[] = [];
    await cache.subscribe('ch', () => {
      throw new Error('handler bug');
    });
    await cache.subscribe('ch', (m) => heard.push(m));
    await cache.publish('ch', 'm1');
    await cache.publish('ch', 'm2');
    await waitFor(() => heard.length === 2);
    expect(heard).toEqual(['m1', 'm2']);
    expect(env.warnings.filter((w) => w.msg.includes('subscriber threw'))).toHaveLength(2);
  });

  it('ping answers; close is idempotent and every later call is ServiceUnavailable', async () => {
    await expect(cache.ping()).resolves.toBeUndefined();
    await cache.subscribe('ch', () => {});
    await cache.close();
    await cache.close();
    for (const call of [() => cache.ping(), () => cache.get('k'), () => cache.getMany(['k']), () => cache.set('k', 'v', 1), () => cache.publish('c', 'm')]) {
      const err = await call().then(() => null, (e: unknown) => e);
      expectAwsError(err, 'ServiceUnavailable', 503);
    }
  });
}

describe('MemoryCache conformance', () => {
  conformance(memoryBackend);
});

describe.skipIf(!process.env.REDIS_URL)('RedisCache conformance', () => {
  conformance(() => redisBackend(process.env.REDIS_URL ?? ''));
});

describe('RedisCache with no server behind its URL', () => {
  it('fails fast with ServiceUnavailable (cause kept) and warns once', async () => {
    const warnings: Warning[] = [];
    const cache = new RedisCache('redis://127.0.0.1:1', { keyPrefix: newPrefix(), logger: capturingLogger(warnings) });
    try {
      const started = Date.now();
      const err = await cache.ping().then(() => null, (e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(3000);
      expectAwsError(err, 'ServiceUnavailable', 503);
      expect((err as Error).cause).toBeInstanceOf(Error);

      const startedSub = Date.now();
      const subErr = await cache.subscribe('ch', () => {}).then(() => null, (e: unknown) => e);
      expect(Date.now() - startedSub).toBeLessThan(3000);
      expectAwsError(subErr, 'ServiceUnavailable', 503);

      expect(warnings.filter((w) => (w.obj as { role?: string }).role === 'commands')).toHaveLength(1);
    } finally {
      await cache.close();
    }
  });
});
