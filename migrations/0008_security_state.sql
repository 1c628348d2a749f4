-- 0008 security_state
-- Why: revocations of temporary credentials and one-time-use records (SAML assertion ids) lived
-- only in the cache (Redis), so a Redis restart brought a revoked session back to life and let a
-- used assertion be accepted again. Postgres is now their source of truth; the cache is the fast
-- path, rebuilt from these tables when it comes back empty (src/sts/revocation.ts).
-- Rows carry expires_at (when nothing they refer to can still be valid) and are purged after it.

-- kind 'session' / 'access-key': subject = the session id / ASIA access key id, revoked outright.
-- kind 'role': subject = the role id (AROA…); every session of the role issued strictly before
-- issued_before is revoked (it only ever moves forward).
CREATE TABLE sts_revocations (
  kind          text NOT NULL CHECK (kind IN ('session', 'access-key', 'role')),
  subject       text NOT NULL CHECK (length(subject) BETWEEN 1 AND 128),
  issued_before timestamptz,
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  PRIMARY KEY (kind, subject),
  CHECK ((kind = 'role') = (issued_before IS NOT NULL))
);
CREATE INDEX sts_revocations_expires ON sts_revocations (expires_at);

-- "Used once" records: the INSERT … ON CONFLICT DO NOTHING that stores a row is the one use that
-- counts; every other attempt finds the row. scope names the kind (e.g. 'saml-assertion'),
-- id is a digest of what was used (never the secret itself).
CREATE TABLE one_time_uses (
  scope      text NOT NULL CHECK (length(scope) BETWEEN 1 AND 64),
  id         text NOT NULL CHECK (length(id) BETWEEN 1 AND 128),
  used_at    timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (scope, id)
);
CREATE INDEX one_time_uses_expires ON one_time_uses (expires_at);
