import type { LockPolicy } from '../config/index.js';
import type { Cache } from '../cache/cache.js';
import type { Db } from '../store/db.js';
import { PgAttemptRepository, type AttemptCount, type AttemptRepository } from '../store/attempts.js';

/**
 * AttemptLimiter — throttle and temporarily lock whatever can be guessed: MFA codes per device
 * and per user today, sign-in passwords per identity and per source address next.
 *
 * A *subject* is an opaque key naming what is counted (`mfa-device:<serial>`,
 * `mfa-user:<user id>`, `signin-ip:<address>` …). A *policy* says: `maxFailures` counted attempts
 * within a fixed window of `windowSeconds` (starting at the first one) lock the subject for
 * `lockSeconds`; each further lock within a day of the previous one doubles, up to
 * `maxLockSeconds`. A success resets the count and the doubling, never a running lock: while
 * locked, every attempt is refused before the secret is checked, the right one included.
 *
 * Attempts are counted *before* the secret is checked (`begin`), so concurrent guesses cannot
 * slip through while earlier ones are still being verified: at most `maxFailures` checks per
 * window, whatever the concurrency and the number of replicas.
 *
 *   const gate = await limiter.begin([{ subject, policy }, …], now);
 *   if (!gate.allowed) → refuse (gate.locked says which subject, until when; gate.lockouts
 *                         lists locks this call set, to audit);
 *   … check the secret …
 *   right:  await gate.succeed();            // resets the subjects marked resetOnSuccess
 *   wrong:  const lockouts = await gate.fail();  // locks each subject at its limit; audit them
 *   not checked after all (e.g. another error came first): await gate.abandon();
 *
 * Storage: Postgres (attempt_throttles, one row per subject) is the source of truth; counting is
 * one upsert (`failures = failures + 1 … RETURNING`), so replicas never lose an increment, and a
 * lock survives the cache being emptied or restarted. The cache mirrors `locked_until` so a
 * locked subject is refused without touching the database; a cache miss (or a cache that is
 * down) falls through to Postgres, never to "unlocked".
 */
/** Defined with the configuration that carries it (config/index.ts, `mfaThrottle`). */
export type { LockPolicy } from '../config/index.js';

export interface AttemptEntry {
  subject: string;
  policy: LockPolicy;
  /** Reset this subject's count on a success. Default true (false e.g. for a source address: the success is then only not counted). */
  resetOnSuccess?: boolean;
}

/** A lock this call set: audit it. */
export interface Lockout {
  subject: string;
  lockedUntil: Date;
  /** 1 for the first lock, 2 for the next (twice as long) … */
  lockLevel: number;
  /** Attempts counted when the lock was set. */
  failures: number;
}

export type Gate =
  | {
      allowed: true;
      succeed(): Promise<void>;
      fail(): Promise<Lockout[]>;
      abandon(): Promise<void>;
    }
  | {
      allowed: false;
      /** The first locked subject (in the order given) and the end of its lock. */
      locked: { subject: string; lockedUntil: Date };
      /** Locks set by this call (more attempts arrived at once than the policy allows). */
      lockouts: Lockout[];
    };

/** Expired rows are swept at most this often per process (at most SWEEP_BATCH rows each time). */
const SWEEP_EVERY_MS = 60_000;
const SWEEP_BATCH = 500;

export const lockCacheKey = (subject: string) => `throttle:lock:${subject}`;

export function assertPolicy(p: LockPolicy): void {
  const ok =
    Number.isSafeInteger(p.maxFailures) && p.maxFailures >= 1 &&
    Number.isSafeInteger(p.windowSeconds) && p.windowSeconds >= 1 &&
    Number.isSafeInteger(p.lockSeconds) && p.lockSeconds >= 1 &&
    Number.isSafeInteger(p.maxLockSeconds) && p.maxLockSeconds >= p.lockSeconds;
  if (!ok) throw new TypeError(`invalid lock policy ${JSON.stringify(p)}`);
}

export class AttemptLimiter {
  private lastSweep = Number.NEGATIVE_INFINITY;
  private readonly store: AttemptRepository;

  /** `db`: the database the counters live in (store/attempts.ts runs the statements). */
  constructor(
    db: Pick<Db, 'query'>,
    private readonly cache: Cache,
  ) {
    this.store = new PgAttemptRepository(db);
  }

  /**
   * The end of the subject's lock, or null when it is not locked at `now`. Cache first; on a miss
   * Postgres (read only: nothing is counted).
   */
  async lockedUntil(subject: string, now: Date): Promise<Date | null> {
    const cached = await this.cachedLock(subject, now);
    if (cached) return cached;
    const until = await this.store.lockedUntil(subject);
    if (until && until > now) {
      await this.mirror(subject, until, now);
      return until;
    }
    return null;
  }

  /** Count one attempt for every entry, refusing when any subject is (or thereby becomes) locked. */
  async begin(entries: readonly AttemptEntry[], now: Date): Promise<Gate> {
    for (const e of entries) assertPolicy(e.policy);
    // Fast refusal: a lock mirrored in the cache, without a database round trip.
    const cached = await Promise.all(entries.map((e) => this.cachedLock(e.subject, now)));
    const hit = cached.findIndex((u) => u !== null);
    if (hit >= 0) return { allowed: false, locked: { subject: entries[hit]!.subject, lockedUntil: cached[hit]! }, lockouts: [] };
    const rows: { entry: AttemptEntry; row: AttemptCount }[] = [];
    for (const entry of entries) rows.push({ entry, row: await this.store.count(entry.subject, now, entry.policy.windowSeconds) });
    await this.sweep(now);
    const counted = rows.filter((x) => x.row.counted);
    const release = () => this.uncount(counted.map((x) => x.entry.subject), now);
    const locked = rows.find((x) => !x.row.counted);
    if (locked) {
      await release();
      const until = locked.row.lockedUntil!;
      await this.mirror(locked.entry.subject, until, now);
      return { allowed: false, locked: { subject: locked.entry.subject, lockedUntil: until }, lockouts: [] };
    }
    // More attempts in this window than the policy allows (they arrived together, or one was
    // abandoned by a crash): refuse, and lock.
    const over = rows.filter((x) => x.row.failures > x.entry.policy.maxFailures);
    if (over.length > 0) {
      const lockouts = await this.lockAll(over.map((x) => x.entry), now);
      const first = over[0]!.entry.subject;
      const until = lockouts.find((l) => l.subject === first)?.lockedUntil ?? (await this.lockedUntil(first, now)) ?? now;
      await this.uncount(rows.filter((x) => !over.includes(x)).map((x) => x.entry.subject), now);
      return { allowed: false, locked: { subject: first, lockedUntil: until }, lockouts };
    }
    let settled = false;
    const once = () => {
      if (settled) throw new Error('attempt already settled');
      settled = true;
    };
    return {
      allowed: true,
      succeed: async () => {
        once();
        const reset = entries.filter((e) => e.resetOnSuccess !== false).map((e) => e.subject);
        if (reset.length > 0) {
          await this.store.reset(reset);
        }
        // Subjects a success does not reset (a source address) get this attempt back: it was
        // counted before the check, and a right answer is not a failure — else one office's
        // ordinary sign-ins behind one NAT address would lock it.
        await this.uncount(entries.filter((e) => e.resetOnSuccess === false).map((e) => e.subject), now);
      },
      fail: async () => {
        once();
        return this.lockAll(rows.filter((x) => x.row.failures >= x.entry.policy.maxFailures).map((x) => x.entry), now);
      },
      abandon: async () => {
        once();
        await release();
      },
    };
  }

  /** Lift a lock and forget the subject's count (an administrator's unlock). */
  async reset(subject: string): Promise<void> {
    await this.store.delete(subject);
    await this.cache.del(lockCacheKey(subject)).catch(() => {});
  }

  private async lockAll(entries: readonly AttemptEntry[], now: Date): Promise<Lockout[]> {
    const out: Lockout[] = [];
    for (const e of entries) {
      const lock = await this.store.lock(e.subject, now, e.policy.lockSeconds, e.policy.maxLockSeconds);
      if (!lock) continue; // another attempt set the lock first
      await this.mirror(e.subject, lock.lockedUntil, now);
      out.push({ subject: e.subject, ...lock });
    }
    return out;
  }

  /** Give back attempts that were counted but never checked a secret. */
  private async uncount(subjects: string[], now: Date): Promise<void> {
    if (subjects.length === 0) return;
    await this.store.uncount(subjects, now);
  }

  private async cachedLock(subject: string, now: Date): Promise<Date | null> {
    let v: string | null;
    try {
      v = await this.cache.get(lockCacheKey(subject));
    } catch {
      return null; // the cache is a fast path only: Postgres answers
    }
    if (v === null) return null;
    const ms = Number(v);
    return Number.isFinite(ms) && ms > now.getTime() ? new Date(ms) : null;
  }

  private async mirror(subject: string, until: Date, now: Date): Promise<void> {
    const ttl = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
    try {
      await this.cache.set(lockCacheKey(subject), String(until.getTime()), ttl);
    } catch {
      // Postgres holds the lock; the next attempt reads it there.
    }
  }

  private async sweep(now: Date): Promise<void> {
    if (now.getTime() - this.lastSweep < SWEEP_EVERY_MS && now.getTime() >= this.lastSweep) return;
    this.lastSweep = now.getTime();
    // Housekeeping only: a failed sweep is retried on a later attempt.
    await this.store.sweep(now, SWEEP_BATCH).catch(() => {});
  }
}
