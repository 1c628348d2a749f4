-- 0004 iam_providers
-- Why: IAM identity providers that STS federation trusts. OpenID Connect providers are keyed by
-- their ARN (arn:...:oidc-provider/<host[:port]/path>, derived from the issuer URL, so one URL
-- per account); SAML providers by ARN with names unique case-insensitively per account. The
-- parsed metadata (IdP entity id, signing certificates, validUntil) is stored beside the
-- original document so AssumeRoleWithSAML never re-parses XML on the hot path.

CREATE TABLE oidc_providers (
  arn          text PRIMARY KEY,
  account_id   text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
  -- The issuer as registered: scheme, lower-cased host, optional port and path, no trailing slash.
  issuer_url   text NOT NULL,
  -- The ARN resource part: issuer_url without its scheme (what GetOpenIDConnectProvider returns as Url).
  resource     text NOT NULL,
  client_ids   text[] NOT NULL DEFAULT '{}',
  thumbprints  text[] NOT NULL DEFAULT '{}',
  tags         jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX oidc_providers_resource_uniq ON oidc_providers (account_id, resource);

CREATE TABLE saml_providers (
  arn                  text PRIMARY KEY,
  account_id           text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
  name                 text NOT NULL,
  provider_uuid        text NOT NULL,
  metadata_document    text NOT NULL,
  entity_id            text NOT NULL,
  -- PEM certificates the IdP signs with (KeyDescriptor use="signing" or without use).
  signing_certificates text[] NOT NULL,
  valid_until          timestamptz NOT NULL,
  tags                 jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX saml_providers_name_uniq ON saml_providers (account_id, lower(name));
