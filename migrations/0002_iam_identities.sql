-- 0002 iam identities
-- Why: IAM users beyond root, groups and membership, console passwords (login profiles, the
-- account password policy and password history), virtual MFA devices (TOTP seeds sealed under
-- the master key, with the last accepted time step so a code is accepted once) and account
-- aliases. Names are unique case-insensitively per account, as IAM's are; AWS refuses to delete
-- a user or group that still has dependents, so membership and devices do not cascade from a
-- user or group delete (DeleteUser/DeleteGroup check and answer DeleteConflict first).

-- Tags as an ordered array of {"Key","Value"} objects (at most 50).
ALTER TABLE users ADD COLUMN tags jsonb NOT NULL DEFAULT '[]'::jsonb;

CREATE TABLE groups (
  group_id   text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
  group_name text NOT NULL,
  path       text NOT NULL DEFAULT '/',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX groups_name_uniq ON groups (account_id, lower(group_name));

CREATE TABLE group_members (
  group_id text NOT NULL REFERENCES groups (group_id),
  user_id  text NOT NULL REFERENCES users (user_id),
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

-- Console password: scrypt hash only ("scrypt$N$r$p$salt$hash", base64 parts).
CREATE TABLE login_profiles (
  user_id                 text PRIMARY KEY REFERENCES users (user_id),
  password_hash           text NOT NULL,
  password_reset_required boolean NOT NULL DEFAULT false,
  created_at              timestamptz NOT NULL DEFAULT now(),
  password_changed_at     timestamptz NOT NULL DEFAULT now()
);

-- Earlier password hashes, for PasswordReusePrevention (the newest 24 are kept).
CREATE TABLE password_history (
  id            bigserial PRIMARY KEY,
  user_id       text NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_history_user ON password_history (user_id, id DESC);

CREATE TABLE account_password_policy (
  account_id                     text PRIMARY KEY REFERENCES accounts (account_id) ON DELETE CASCADE,
  minimum_password_length        int NOT NULL DEFAULT 6,
  require_symbols                boolean NOT NULL DEFAULT false,
  require_numbers                boolean NOT NULL DEFAULT false,
  require_uppercase_characters   boolean NOT NULL DEFAULT false,
  require_lowercase_characters   boolean NOT NULL DEFAULT false,
  allow_users_to_change_password boolean NOT NULL DEFAULT false,
  max_password_age               int,
  password_reuse_prevention      int,
  hard_expiry                    boolean NOT NULL DEFAULT false,
  updated_at                     timestamptz NOT NULL DEFAULT now()
);

-- Virtual MFA devices. serial_number = arn:PARTITION:iam::ACCT:mfa{path}{name}; the seed is the
-- base32 TOTP secret sealed with AES-256-GCM (AAD = serial number). last_counter is the last
-- accepted TOTP time step: a code at or before it is refused (replay).
CREATE TABLE mfa_devices (
  serial_number text PRIMARY KEY,
  account_id    text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
  device_name   text NOT NULL,
  path          text NOT NULL DEFAULT '/',
  seed_sealed   bytea NOT NULL,
  user_id       text REFERENCES users (user_id),
  enable_date   timestamptz,
  last_counter  bigint,
  tags          jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((user_id IS NULL) = (enable_date IS NULL))
);
CREATE UNIQUE INDEX mfa_devices_serial_uniq ON mfa_devices (lower(serial_number));
CREATE INDEX mfa_devices_user ON mfa_devices (user_id) WHERE user_id IS NOT NULL;

-- One alias per account; an alias is unique across the installation.
CREATE TABLE account_aliases (
  account_id text PRIMARY KEY REFERENCES accounts (account_id) ON DELETE CASCADE,
  alias      text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
