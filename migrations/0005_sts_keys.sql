-- 0005 sts_keys
-- Why: temporary credentials must verify without a database row per request, so their session
-- tokens are sealed (AES-256-GCM) and their secrets derived (HMAC) under keys only Tessera holds;
-- tokens others verify offline (GetWebIdentityToken JWTs) are signed with asymmetric keys that
-- are published as JWKS. Both kinds rotate: one row per key generation, its material sealed
-- under the master key (AAD = kid), with the window in which it signs new tokens
-- (activates_at .. retires_at) and the time after which nothing it issued can still be valid
-- (expires_at). Replicas create a new generation under an advisory lock, so exactly one wins.

CREATE TABLE sts_keys (
  key_id          serial PRIMARY KEY,
  kid             text NOT NULL UNIQUE,
  purpose         text NOT NULL CHECK (purpose IN ('session', 'jwt-RS256', 'jwt-ES384')),
  material_sealed bytea NOT NULL,
  public_jwk      jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  activates_at    timestamptz NOT NULL,
  retires_at      timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  CHECK (activates_at < retires_at AND retires_at <= expires_at)
);
CREATE INDEX sts_keys_purpose ON sts_keys (purpose, activates_at DESC);
