import type { LockPolicy } from '../config/index.js';
import type { Cache } from '../cache/cache.js';
import type { Db } from '../store/db.js';

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
  /** Reset this subject's count on a success. Default true (false e.g. for a source address). */
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

/** A day: a lock within this long after the previous one ends is twice as long. */
const ESCALATION_MEMORY_SECONDS = 86_400;
/** Expired rows are swept at most this often per process. */
const SWEEP_EVERY_MS = 60_000;
const MAX_LEVEL_EXPONENT = 30;

export const lockCacheKey = (subject: string) => `throttle:lock:${subject}`;

export function assertPolicy(p: LockPolicy): void {
  const ok =
    Number.isSafeInteger(p.maxFailures) && p.maxFailures >= 1 &&
    Number.isSafeInteger(p.windowSeconds) && p.windowSeconds >= 1 &&
    Number.isSafeInteger(p.lockSeconds) && p.lockSeconds >= 1 &&
    Number.isSafeInteger(p.maxLockSeconds) && p.maxLockSeconds >= p.lockSeconds;
  if (!ok) throw new TypeError(`invalid lock policy ${JSON.stringify(p)}`);
}

interface Row {
  failures: number;
  locked_until: Date | null;
  counted: boolean;
}

/**
 * Count one attempt unless the subject is locked. A window older than windowSeconds restarts at
 * 1. `counted` is false when the row was locked (nothing was incremented).
 * expires_at: the row matters until its window and lock are over, plus the escalation memory.
 */
const BEGIN_SQL = `
INSERT INTO attempt_throttles AS t (subject, failures, window_start, locked_until, lock_level, expires_at)
VALUES ($1, 1, $2::timestamptz, NULL, 0, $2::timestamptz + make_interval(secs => $3::int + ${ESCALATION_MEMORY_SECONDS}))
ON CONFLICT (subject) DO UPDATE SET
  failures = CASE
    WHEN t.locked_until > $2::timestamptz THEN t.failures
    WHEN t.window_start <= $2::timestamptz - make_interval(secs => $3::int) THEN 1
    ELSE t.failures + 1 END,
  window_start = CASE
    WHEN t.locked_until > $2::timestamptz THEN t.window_start
    WHEN t.window_start <= $2::timestamptz - make_interval(secs => $3::int) THEN $2::timestamptz
    ELSE t.window_start END,
  expires_at = greatest(t.expires_at, $2::timestamptz + make_interval(secs => $3::int + ${ESCALATION_MEMORY_SECONDS}))
RETURNING failures, locked_until, NOT (coalesce(locked_until > $2::timestamptz, false)) AS counted`;

/**
 * Lock the subject when it is not locked already (of concurrent callers exactly one sets it).
 * The duration doubles per remembered lock (one that ended within ESCALATION_MEMORY_SECONDS).
 */
const LOCK_SQL = `
WITH level AS (
  SELECT subject,
         CASE WHEN locked_until IS NULL OR locked_until < $2::timestamptz - make_interval(secs => ${ESCALATION_MEMORY_SECONDS}) THEN 0
              ELSE lock_level END AS previous,
         failures
    FROM attempt_throttles WHERE subject = $1 FOR UPDATE
)
UPDATE attempt_throttles t SET
  lock_level = level.previous + 1,
  locked_until = $2::timestamptz + make_interval(secs => least($3::int::float8 * power(2, least(level.previous, ${MAX_LEVEL_EXPONENT})), $4::int::float8)),
  failures = 0,
  window_start = $2::timestamptz,
  expires_at = greatest(t.expires_at,
    $2::timestamptz + make_interval(secs => least($3::int::float8 * power(2, least(level.previous, ${MAX_LEVEL_EXPONENT})), $4::int::float8) + ${ESCALATION_MEMORY_SECONDS}))
  FROM level
 WHERE t.subject = level.subject AND (t.locked_until IS NULL OR t.locked_until <= $2::timestamptz)
RETURNING t.locked_until, t.lock_level, level.failures`;

export class AttemptLimiter {
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Pick<Db, 'query'>,
    private readonly cache: Cache,
  ) {}

  /**
   * The end of the subject's lock, or null when it is not locked at `now`. Cache first; on a miss
   * Postgres (read only: nothing is counted).
   */
  async lockedUntil(subject: string, now: Date): Promise<Date | null> {
    const cached = await this.cachedLock(subject, now);
    if (cached) return cached;
    const r = await this.db.query<{ locked_until: Date | null }>('SELECT locked_until FROM attempt_throttles WHERE subject = $1', [subject]);
    const until = r.rows[0]?.locked_until ?? null;
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
    const rows: { entry: AttemptEntry; row: Row }[] = [];
    for (const entry of entries) {
      const r = await this.db.query<Row>(BEGIN_SQL, [entry.subject, now, entry.policy.windowSeconds]);
      rows.push({ entry, row: r.rows[0]! });
    }
    await this.sweep(now);
    const counted = rows.filter((x) => x.row.counted);
    const release = () => this.uncount(counted.map((x) => x.entry.subject), now);
    const locked = rows.find((x) => !x.row.counted);
    if (locked) {
      await release();
      const until = locked.row.locked_until!;
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
          await this.db.query('UPDATE attempt_throttles SET failures = 0, lock_level = 0 WHERE subject = ANY($1::text[])', [reset]);
        }
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
    await this.db.query('DELETE FROM attempt_throttles WHERE subject = $1', [subject]);
    await this.cache.del(lockCacheKey(subject)).catch(() => {});
  }

  private async lockAll(entries: readonly AttemptEntry[], now: Date): Promise<Lockout[]> {
    const out: Lockout[] = [];
    for (const e of entries) {
      const r = await this.db.query<{ locked_until: Date; lock_level: number; failures: number }>(LOCK_SQL, [
        e.subject,
        now,
        e.policy.lockSeconds,
        e.policy.maxLockSeconds,
      ]);
      const row = r.rows[0];
      if (!row) continue; // another attempt set the lock first
      await this.mirror(e.subject, row.locked_until, now);
      out.push({ subject: e.subject, lockedUntil: row.locked_until, lockLevel: row.lock_level, failures: row.failures });
    }
    return out;
  }

  /** Give back attempts that were counted but never checked a secret. */
  private async uncount(subjects: string[], now: Date): Promise<void> {
    if (subjects.length === 0) return;
    await this.db.query(
      `UPDATE attempt_throttles SET failures = greatest(failures - 1, 0)
        WHERE subject = ANY($1::text[]) AND (locked_until IS NULL OR locked_until <= $2)`,
      [subjects, now],
    );
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
    await this.db
      .query(`DELETE FROM attempt_throttles WHERE ctid = ANY (ARRAY(SELECT ctid FROM attempt_throttles WHERE expires_at < $1 LIMIT 500))`, [now])
      .catch(() => {});
  }
}
