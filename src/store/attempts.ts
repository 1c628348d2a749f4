import type { Sql } from './db.js';

/**
 * Storage of failed-attempt counters and lockouts (throttle/attempts.ts): one row per subject in
 * attempt_throttles. Counting is one upsert (`failures = failures + 1 … RETURNING`), so replicas
 * never lose an increment; a lock is set by exactly one of concurrent callers.
 */
export interface AttemptCount {
  failures: number;
  lockedUntil: Date | null;
  /** false when the subject was locked (nothing was incremented). */
  counted: boolean;
}

export interface AttemptLock {
  lockedUntil: Date;
  lockLevel: number;
  /** Attempts counted when the lock was set. */
  failures: number;
}

export interface AttemptRepository {
  /** The end of the subject's lock as stored (it may be past), or null. */
  lockedUntil(subject: string): Promise<Date | null>;
  /** Counts one attempt unless the subject is locked; a window older than `windowSeconds` restarts at 1. */
  count(subject: string, now: Date, windowSeconds: number): Promise<AttemptCount>;
  /** Locks the subject unless it is locked already (null then); the duration doubles per remembered lock, up to `maxLockSeconds`. */
  lock(subject: string, now: Date, lockSeconds: number, maxLockSeconds: number): Promise<AttemptLock | null>;
  /** Gives back one counted attempt of each subject that is not locked at `now`. */
  uncount(subjects: readonly string[], now: Date): Promise<void>;
  /** Forgets the counts and the doubling of the subjects (a success). */
  reset(subjects: readonly string[]): Promise<void>;
  /** Deletes the subject's row (an administrator's unlock). */
  delete(subject: string): Promise<void>;
  /** Deletes up to `limit` rows expired before `now`. */
  sweep(now: Date, limit: number): Promise<void>;
}

/** A day: a lock within this long after the previous one ends is twice as long. */
export const ESCALATION_MEMORY_SECONDS = 86_400;
const MAX_LEVEL_EXPONENT = 30;


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

export class PgAttemptRepository implements AttemptRepository {
  constructor(protected readonly q: Sql) {}

  async lockedUntil(subject: string): Promise<Date | null> {
    const r = await this.q.query<{ locked_until: Date | null }>('SELECT locked_until FROM attempt_throttles WHERE subject = $1', [subject]);
    return r.rows[0]?.locked_until ?? null;
  }

  async count(subject: string, now: Date, windowSeconds: number): Promise<AttemptCount> {
    const r = await this.q.query<{ failures: number; locked_until: Date | null; counted: boolean }>(BEGIN_SQL, [subject, now, windowSeconds]);
    const row = r.rows[0]!;
    return { failures: row.failures, lockedUntil: row.locked_until, counted: row.counted };
  }

  async lock(subject: string, now: Date, lockSeconds: number, maxLockSeconds: number): Promise<AttemptLock | null> {
    const r = await this.q.query<{ locked_until: Date; lock_level: number; failures: number }>(LOCK_SQL, [subject, now, lockSeconds, maxLockSeconds]);
    const row = r.rows[0];
    return row ? { lockedUntil: row.locked_until, lockLevel: row.lock_level, failures: row.failures } : null;
  }

  async uncount(subjects: readonly string[], now: Date): Promise<void> {
    await this.q.query(
      `UPDATE attempt_throttles SET failures = greatest(failures - 1, 0)
        WHERE subject = ANY($1::text[]) AND (locked_until IS NULL OR locked_until <= $2)`,
      [subjects, now],
    );
  }

  async reset(subjects: readonly string[]): Promise<void> {
    await this.q.query('UPDATE attempt_throttles SET failures = 0, lock_level = 0 WHERE subject = ANY($1::text[])', [subjects]);
  }

  async delete(subject: string): Promise<void> {
    await this.q.query('DELETE FROM attempt_throttles WHERE subject = $1', [subject]);
  }

  async sweep(now: Date, limit: number): Promise<void> {
    await this.q.query(`DELETE FROM attempt_throttles WHERE ctid = ANY (ARRAY(SELECT ctid FROM attempt_throttles WHERE expires_at < $1 LIMIT $2))`, [now, limit]);
  }
}
