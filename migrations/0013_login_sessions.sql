-- 0013 login_sessions, sign_in_mfa, sign_in_recovery_codes
-- Why: issue 11 — people sign in in a browser. A login session's live state is in the cache
-- (Redis; in-process in dev mode), keyed by a digest of the cookie secret; this table is its
-- durable registry so an administrator can list a person's sessions and revoke them
-- (ListLoginSessions / RevokeLoginSession[s]). Revocation marks the row AND deletes the cache
-- entry; every request reads the cache entry, so a revoked session ends on every replica at once.
--
-- id is the PUBLIC session id (listing, revoking, audit), never the cookie value.
-- principal_key names the person: `user:<IAM user id>` for a local IAM user, or
-- `<provider ARN>#<subject>` for a federated identity (stable across renames and connectors).

CREATE TABLE login_sessions (
  id            text PRIMARY KEY CHECK (id ~ '^ls-[A-Za-z0-9_-]{16,64}$'),
  account_id    text NOT NULL,
  principal_key text NOT NULL CHECK (length(principal_key) BETWEEN 1 AND 2400),
  -- The principal's ARN (IAM user ARN, or the provider ARN for a federated identity), for listing.
  principal_arn text NOT NULL,
  connector_id  text,
  subject       text,
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  revoked_at    timestamptz,
  source_ip     text NOT NULL DEFAULT '',
  user_agent    text NOT NULL DEFAULT ''
);

CREATE INDEX login_sessions_principal ON login_sessions (principal_key, created_at DESC);
CREATE INDEX login_sessions_connector_subject ON login_sessions (connector_id, subject, created_at DESC) WHERE connector_id IS NOT NULL;
CREATE INDEX login_sessions_account ON login_sessions (account_id, created_at DESC);
CREATE INDEX login_sessions_expires ON login_sessions (expires_at);

-- Tessera's own TOTP factor for federated identities whose connector requires MFA (IAM users
-- use their IAM virtual MFA device instead). The seed is sealed under the master key
-- (src/keys/envelope.ts) with associated data `sign-in-mfa:<principal_key>`; last_counter is the
-- last accepted time step, advanced with one conditional UPDATE so a code is accepted once.
CREATE TABLE sign_in_mfa (
  principal_key text PRIMARY KEY CHECK (length(principal_key) BETWEEN 1 AND 2400),
  seed_sealed   bytea NOT NULL,
  last_counter  bigint NOT NULL,
  created_at    timestamptz NOT NULL
);

-- Recovery codes: shown once, stored only as keyed hashes (HMAC-SHA-256 under a key derived from
-- the master key), each usable once (used_at set with a conditional UPDATE).
CREATE TABLE sign_in_recovery_codes (
  principal_key text NOT NULL REFERENCES sign_in_mfa (principal_key) ON DELETE CASCADE,
  code_hash     text NOT NULL,
  used_at       timestamptz,
  PRIMARY KEY (principal_key, code_hash)
);
