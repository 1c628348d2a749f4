-- 0009 attempt_throttles
-- Why: MFA codes (and, next, sign-in passwords) could be guessed as fast as a client could
-- send them: nothing counted wrong attempts. One row per throttled subject (an opaque key such
-- as `mfa-device:<serial>` or `mfa-user:<user id>`) holds the attempts counted in the current
-- fixed window and the lock, if any. Postgres is the source of truth (an upsert with
-- `failures = failures + 1 ... RETURNING` counts across replicas without losing increments,
-- and a lock survives a cache restart); the cache only mirrors `locked_until` for a fast
-- refusal. lock_level counts consecutive locks (each doubles the next lock, up to a cap) and
-- resets on a success. Rows past expires_at carry nothing and are swept.

CREATE TABLE attempt_throttles (
  subject      text PRIMARY KEY CHECK (length(subject) BETWEEN 1 AND 512),
  failures     integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
  window_start timestamptz NOT NULL,
  locked_until timestamptz,
  lock_level   integer NOT NULL DEFAULT 0 CHECK (lock_level >= 0),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX attempt_throttles_expiry ON attempt_throttles (expires_at);
