-- 0001 foundation
-- Why: the base every later feature builds on. Accounts (12-digit ids), the IAM users table
-- (which holds each account's root user: user_id = account id, is_root), long-term access
-- keys whose secrets are sealed with AES-256-GCM under the master key (never stored in clear),
-- instance settings, and the append-only audit log written before each response is sent.

CREATE TABLE accounts (
  account_id   text PRIMARY KEY CHECK (account_id ~ '^[0-9]{12}$'),
  name         text NOT NULL,
  is_bootstrap boolean NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL DEFAULT now()
);
-- At most one bootstrap (root) account per installation.
CREATE UNIQUE INDEX accounts_one_bootstrap ON accounts (is_bootstrap) WHERE is_bootstrap;

CREATE TABLE users (
  user_id              text PRIMARY KEY,
  account_id           text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
  user_name            text NOT NULL,
  path                 text NOT NULL DEFAULT '/',
  is_root              boolean NOT NULL DEFAULT false,
  permissions_boundary text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  password_last_used   timestamptz
);
-- IAM names are unique case-insensitively within an account. The root user's row is not an IAM
-- user, so an IAM user may still be called "root".
CREATE UNIQUE INDEX users_name_uniq ON users (account_id, lower(user_name)) WHERE NOT is_root;
CREATE UNIQUE INDEX users_one_root ON users (account_id) WHERE is_root;

CREATE TABLE access_keys (
  access_key_id     text PRIMARY KEY CHECK (access_key_id ~ '^AKIA[A-Z2-7]{16}$'),
  account_id        text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
  user_id           text NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  secret_sealed     bytea NOT NULL,
  status            text NOT NULL DEFAULT 'Active' CHECK (status IN ('Active', 'Inactive', 'Expired')),
  created_at        timestamptz NOT NULL DEFAULT now(),
  last_used_at      timestamptz,
  last_used_service text,
  last_used_region  text
);
CREATE INDEX access_keys_user ON access_keys (user_id);

CREATE TABLE settings (
  key        text PRIMARY KEY,
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_events (
  id             bigserial PRIMARY KEY,
  event_time     timestamptz NOT NULL,
  request_id     text NOT NULL,
  service        text NOT NULL,
  action         text NOT NULL,
  account_id     text,
  principal_arn  text,
  principal_id   text,
  access_key_id  text,
  source_ip      text,
  user_agent     text,
  outcome        text NOT NULL CHECK (outcome IN ('success', 'failure')),
  error_code     text,
  detail         jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_events_time ON audit_events (event_time);
CREATE INDEX audit_events_principal ON audit_events (principal_arn, event_time);
