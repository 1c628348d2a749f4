-- 0014 sign_in_connectors
-- Why: issue 11 — people sign in through configured upstreams (OIDC, SAML, GitHub, Google,
-- Microsoft, GitLab). One row per connector, owned by an account; configured by `tessera apply`
-- (signInConnectors) and the admin actions CreateSignInConnector … DeleteSignInConnector.
--
-- Ids are unique per INSTALLATION, not per account: the sign-in URL /signin/<id> (and a SAML
-- connector's ACS and metadata URLs, registered at the IdP) names only the id, so two accounts
-- cannot both have a connector "corp". The account is the owner (IAM authorization, listing) and
-- the connector's provider_arn is an IAM OIDC/SAML provider of that account.
--
-- secrets_sealed: ONE AES-256-GCM envelope (src/keys/envelope.ts) of the JSON map of the
-- connector's secrets (client secret, SP private key), under the master key, with associated
-- data `sign-in-connector:<account_id>:<id>`: the envelope copied onto another connector (or
-- another account) does not open. Never NULL: a connector without secrets seals `{}`, so every
-- row proves it was written under this installation's master key. Listed in store/keys.ts
-- (SEALED) so `tessera rotate-master-key` re-wraps it.
--
-- provider_arn is not a foreign key: it names a row of oidc_providers or saml_providers by
-- type. Deleting that IAM provider leaves the connector, which then refuses every sign-in
-- (provider_missing) until the provider exists again, as AssumeRoleWith* would.

CREATE TABLE sign_in_connectors (
  id                  text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  account_id          text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
  type                text NOT NULL CHECK (type IN ('oidc', 'saml', 'github', 'google', 'microsoft', 'gitlab')),
  display_name        text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 128),
  provider_arn        text NOT NULL,
  require_mfa         boolean NOT NULL DEFAULT false,
  -- SAML only: accept unsolicited (IdP-initiated) responses.
  allow_idp_initiated boolean NOT NULL DEFAULT false CHECK (type = 'saml' OR NOT allow_idp_initiated),
  enabled             boolean NOT NULL DEFAULT true,
  -- Type-specific, non-secret settings, validated by the type's factory before they are stored.
  settings            jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'),
  secrets_sealed      bytea NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

-- ListSignInConnectors: WHERE account_id = $1 AND id > $marker ORDER BY id.
CREATE INDEX sign_in_connectors_list ON sign_in_connectors (account_id, id COLLATE "C");
