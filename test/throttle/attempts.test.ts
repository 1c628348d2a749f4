import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptLimiter, lockCacheKey, type LockPolicy } from '../../src/throttle/attempts.js';
import { createCache } from '../../src/cache/index.js';
import { createDb, type Db } from '../../src/store/db.js';
import type { Cache } from '../../src/cache/cache.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { redisUrl } from '../support/tessera.js';

/**
 * The attempt limiter on its own: counting in Postgres across "replicas" (limiters with their
 * own pools and caches), locks that outlive the cache, escalation, and concurrency.
 */
let database: TestDatabase;
let second: Db;
const caches: Cache[] = [];
const newCache = (): Cache => {
  const c = createCache({ redisUrl: redisUrl(), keyPrefix: `tessera-test:attempts:${Math.random().toString(36).slice(2)}:` });
  caches.push(c);
  return c;
};

beforeAll(async () => {
  database = await freshDatabase();
  second = createDb(database.url, { max: 10 });
});
afterAll(async () => {
  for (const c of caches) await c.close().catch(() => {});
  await second.close();
  await database.drop();
});

const policy: LockPolicy = { maxFailures: 5, windowSeconds: 300, lockSeconds: 900, maxLockSeconds: 3600 };
const T0 = new Date('2026-03-01T12:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
let n = 0;
const subject = () => `test:${++n}:${Math.random().toString(36).slice(2)}`;

async function failOnce(l: AttemptLimiter, s: string, now: Date, p = policy) {
  const g = await l.begin([{ subject: s, policy: p }], now);
  if (!g.allowed) return { allowed: false as const, until: g.locked.lockedUntil, lockouts: g.lockouts };
  return { allowed: true as const, lockouts: await g.fail() };
}

const row = async (s: string) =>
  (await database.db.query('SELECT failures, locked_until, lock_level FROM attempt_throttles WHERE subject = $1', [s])).rows[0];

describe('AttemptLimiter', () => {
  it('locks at the limit, refuses (right or wrong) while locked, then lets attempts through again; locks double', async () => {
    const l = new AttemptLimiter(database.db, newCache());
    const s = subject();
    for (let i = 1; i <= 4; i++) expect(await failOnce(l, s, at(i))).toEqual({ allowed: true, lockouts: [] });
    const fifth = await failOnce(l, s, at(5));
    expect(fifth).toEqual({ allowed: true, lockouts: [{ subject: s, lockedUntil: at(5 + 900), lockLevel: 1, failures: 5 }] });
    // Locked: nothing is admitted, not even an attempt that would succeed, and nothing is counted.
    const g = await l.begin([{ subject: s, policy }], at(6));
    expect(g).toEqual({ allowed: false, locked: { subject: s, lockedUntil: at(905) }, lockouts: [] });
    expect(await l.lockedUntil(s, at(904))).toEqual(at(905));
    expect(await l.lockedUntil(s, at(905))).toBeNull();
    // After the lock: five more, then a lock twice as long, then four times (capped at 3600).
    for (let i = 0; i < 4; i++) expect((await failOnce(l, s, at(905 + i))).allowed).toBe(true);
    expect((await failOnce(l, s, at(910))).lockouts).toEqual([{ subject: s, lockedUntil: at(910 + 1800), lockLevel: 2, failures: 5 }]);
    for (let i = 0; i < 5; i++) await failOnce(l, s, at(2710 + i));
    expect(await row(s)).toMatchObject({ lock_level: 3, locked_until: at(2714 + 3600) });
  });

  it('a success resets the count and the doubling, not a running lock; a window expires', async () => {
    const l = new AttemptLimiter(database.db, newCache());
    const s = subject();
    for (let i = 0; i < 4; i++) await failOnce(l, s, at(i));
    const ok = await l.begin([{ subject: s, policy }], at(10));
    if (!ok.allowed) throw new Error('refused');
    await ok.succeed();
    expect(await row(s)).toMatchObject({ failures: 0 });
    for (let i = 0; i < 4; i++) expect((await failOnce(l, s, at(20 + i))).lockouts).toEqual([]);
    // The window (300 s from its first attempt at 20) is over at 320: counting starts again.
    for (let i = 0; i < 4; i++) expect((await failOnce(l, s, at(320 + i))).lockouts).toEqual([]);
    expect((await failOnce(l, s, at(330))).lockouts).toHaveLength(1);
    const during = await l.begin([{ subject: s, policy }], at(400));
    expect(during.allowed).toBe(false);
    // An abandoned attempt (no secret checked) gives its count back.
    const t = subject();
    const a = await l.begin([{ subject: t, policy }], at(0));
    if (!a.allowed) throw new Error('refused');
    await a.abandon();
    expect(await row(t)).toMatchObject({ failures: 0 });
  });

  it('of many concurrent attempts from two replicas, at most maxFailures are admitted; the rest are refused and lock', async () => {
    const a = new AttemptLimiter(database.db, newCache());
    const b = new AttemptLimiter(second, newCache());
    const s = subject();
    const gates = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).begin([{ subject: s, policy }], at(1))));
    const admitted = gates.filter((g) => g.allowed);
    expect(admitted.length).toBeLessThanOrEqual(policy.maxFailures);
    const lockouts = gates.flatMap((g) => (g.allowed ? [] : g.lockouts));
    expect(lockouts).toHaveLength(1); // exactly one caller set the lock
    expect(await a.lockedUntil(s, at(2))).toEqual(at(901));
    expect(await b.lockedUntil(s, at(2))).toEqual(at(901));
  });

  it('concurrent failures from two replicas are all counted (no lost increments)', async () => {
    const a = new AttemptLimiter(database.db, newCache());
    const b = new AttemptLimiter(second, newCache());
    const loose: LockPolicy = { maxFailures: 10_000, windowSeconds: 3600, lockSeconds: 60, maxLockSeconds: 60 };
    const s = subject();
    await Promise.all(Array.from({ length: 400 }, (_, i) => failOnce(i % 2 ? a : b, s, at(1), loose)));
    expect(await row(s)).toMatchObject({ failures: 400 });
  });

  it('a lock outlives the cache: a new empty cache, or a cache that is down, still refuses (from Postgres)', async () => {
    const s = subject();
    const l = new AttemptLimiter(database.db, newCache());
    for (let i = 0; i < 5; i++) await failOnce(l, s, at(i));
    const fresh = newCache();
    expect(await fresh.get(lockCacheKey(s))).toBeNull();
    const after = new AttemptLimiter(database.db, fresh);
    expect(await after.begin([{ subject: s, policy }], at(10))).toMatchObject({ allowed: false, locked: { lockedUntil: at(4 + 900) } });
    // …and the refusal put the lock back in the cache.
    expect(await fresh.get(lockCacheKey(s))).toBe(String(at(904).getTime()));
    const down = createCache({ keyPrefix: 'closed:' });
    await down.close();
    expect(await new AttemptLimiter(database.db, down).begin([{ subject: s, policy }], at(10))).toMatchObject({ allowed: false });
  });

  it('with several subjects, any lock refuses and the others get their attempt back', async () => {
    const l = new AttemptLimiter(database.db, newCache());
    const dev = subject();
    const user = subject();
    for (let i = 0; i < 5; i++) await failOnce(l, dev, at(i));
    const g = await l.begin(
      [
        { subject: user, policy },
        { subject: dev, policy },
      ],
      at(10),
    );
    expect(g).toMatchObject({ allowed: false, locked: { subject: dev } });
    expect((await row(user))?.failures ?? 0).toBe(0);
  });
});

/** A private redis-server on a free port, without persistence: a restart empties it. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function startRedis(port: number): Promise<ChildProcess> {
  const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = createCache({ redisUrl: `redis://127.0.0.1:${port}`, keyPrefix: 'probe:' });
  try {
    for (let i = 0; i < 100; i++) {
      try {
        await probe.ping();
        return p;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error('redis-server did not start');
  } finally {
    await probe.close();
  }
}

const stopRedis = (p: ChildProcess) =>
  new Promise<void>((r) => {
    if (p.exitCode !== null) return r();
    p.once('exit', () => r());
    p.kill('SIGTERM');
  });

describe('AttemptLimiter over a Redis that restarts', () => {
  it('a lock survives the Redis restart (empty) and is mirrored again', async () => {
    const port = await freePort();
    let server = await startRedis(port);
    const cache = createCache({ redisUrl: `redis://127.0.0.1:${port}`, keyPrefix: 'restart:' });
    try {
      const l = new AttemptLimiter(database.db, cache);
      const s = subject();
      for (let i = 0; i < 5; i++) await failOnce(l, s, at(i));
      expect(await cache.get(lockCacheKey(s))).toBe(String(at(904).getTime()));
      await stopRedis(server);
      server = await startRedis(port);
      for (let i = 0; i < 100; i++) {
        try {
          await cache.ping();
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      expect(await cache.get(lockCacheKey(s))).toBeNull();
      expect(await l.begin([{ subject: s, policy }], at(10))).toMatchObject({ allowed: false, locked: { lockedUntil: at(904) } });
      expect(await cache.get(lockCacheKey(s))).toBe(String(at(904).getTime()));
    } finally {
      await cache.close();
      await stopRedis(server);
    }
  });
});
