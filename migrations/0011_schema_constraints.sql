-- 0011 schema constraints and paging indexes
-- Why: migrations 0001–0010 were written in parts, and it shows: group_id in the group policy
-- tables had no foreign key ("groups belong to migration 0002's area"), entity dependents
-- cascaded although every Delete* operation refuses while they exist, nothing said that a key
-- belongs to its user's account, and the sort keys the List* operations page by (e.g.
-- lower(role_name) COLLATE "C") had no index, so every page of a large account scanned and
-- sorted all of its rows. This migration makes the schema one: every listing is served by an
-- index in its keyset order, every reference is a foreign key, and what the code assumes of a
-- row is a CHECK.
--
-- Existing rows: a row that breaks a new CHECK or cross-account key is not rewritten (that could
-- widen what a principal may do); the constraint is added NOT VALID, so every new or changed row
-- is checked, and validated only when no existing row breaks it (a WARNING names it otherwise;
-- fix the rows and run `ALTER TABLE … VALIDATE CONSTRAINT …`). Orphaned rows of group inline
-- policies and attachments (a group id no group has: ids are never reused, and nothing reads
-- them) are deleted, with a NOTICE saying how many.

-- ---------------------------------------------------------------------------------------------
-- Indexes in keyset order. Each matches the expression its query sorts and compares by
-- (expression and collation: an index on lower(role_name) cannot serve lower(role_name)
-- COLLATE "C"). Listings served by an index that already exists: ListUsers and the users of
-- GetAccountAuthorizationDetails (users_name_uniq, WHERE NOT is_root), ListGroups and its groups
-- (groups_name_uniq), the roles of GetAccountAuthorizationDetails (roles_name_uniq),
-- ListSAMLProviders (saml_providers_name_uniq), ListOpenIDConnectProviders (not paged, at most 100
-- per account: oidc_providers_resource_uniq finds them, the sort is of those), ListGroupsForUser (group_members_user),
-- GetGroup members (group_members primary key), List*Tags (the row's tags), ListAccountAliases
-- and ListPolicyVersions (primary keys; at most one alias, five versions).

-- ListRoles: WHERE account_id = $1 AND lower(role_name) COLLATE "C" > $m ORDER BY lower(role_name) COLLATE "C".
CREATE INDEX roles_list ON roles (account_id, (lower(role_name) COLLATE "C"));

-- ListPolicies orders by (lower(policy_name) || ' ' || arn) COLLATE "C": Scope=Local within the
-- account; Scope=All/AWS (account_id = $1 OR account_id IS NULL) by the key alone, filtering.
CREATE INDEX policies_list ON policies (account_id, ((lower(policy_name) || ' ' || arn) COLLATE "C"));
CREATE INDEX policies_list_all ON policies (((lower(policy_name) || ' ' || arn) COLLATE "C"));
-- The managed policies of GetAccountAuthorizationDetails: account_id = $1 ORDER BY lower(policy_name)
-- (policies_name_uniq is on coalesce(account_id, 'aws'), which `account_id = $1` cannot use).
CREATE INDEX policies_account_name ON policies (account_id, lower(policy_name));

-- List{User,Group,Role}Policies: WHERE <id> = $1 AND policy_name COLLATE "C" > $m ORDER BY policy_name COLLATE "C".
CREATE INDEX user_policies_list ON user_policies (user_id, (policy_name COLLATE "C"));
CREATE INDEX group_policies_list ON group_policies (group_id, (policy_name COLLATE "C"));
CREATE INDEX role_policies_list ON role_policies (role_id, (policy_name COLLATE "C"));

-- ListAccessKeys: user_id = $1 ORDER BY access_key_id (replaces the index on user_id alone).
CREATE INDEX access_keys_user_key ON access_keys (user_id, access_key_id);
DROP INDEX access_keys_user;

-- ListMFADevices: user_id = $1 ORDER BY serial_number (replaces the index on user_id alone).
CREATE INDEX mfa_devices_user_serial ON mfa_devices (user_id, serial_number) WHERE user_id IS NOT NULL;
DROP INDEX mfa_devices_user;
-- ListVirtualMFADevices: account_id = $1 ORDER BY serial_number (also the account's foreign key).
CREATE INDEX mfa_devices_account_serial ON mfa_devices (account_id, serial_number);

-- Permissions-boundary use, counted by ListPolicies, GetPolicy, GetAccountAuthorizationDetails,
-- ListEntitiesForPolicy and DeletePolicy (per policy: a scan of every user and role without these).
CREATE INDEX users_permissions_boundary ON users (permissions_boundary) WHERE permissions_boundary IS NOT NULL;
CREATE INDEX roles_permissions_boundary ON roles (permissions_boundary) WHERE permissions_boundary IS NOT NULL;

-- ---------------------------------------------------------------------------------------------
-- Foreign keys.

-- Group inline policies and attachments belong to their group. DeleteGroup refuses
-- (DeleteConflict) while either exists, so the key refuses too (no cascade).
DO $$
DECLARE n bigint;
BEGIN
  DELETE FROM group_policies x WHERE NOT EXISTS (SELECT 1 FROM groups g WHERE g.group_id = x.group_id);
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n > 0 THEN RAISE NOTICE '0011: deleted % inline policies of groups that no longer exist', n; END IF;
  DELETE FROM group_policy_attachments x WHERE NOT EXISTS (SELECT 1 FROM groups g WHERE g.group_id = x.group_id);
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n > 0 THEN RAISE NOTICE '0011: deleted % policy attachments of groups that no longer exist', n; END IF;
END $$;
ALTER TABLE group_policies ADD CONSTRAINT group_policies_group_id_fkey FOREIGN KEY (group_id) REFERENCES groups (group_id);
ALTER TABLE group_policy_attachments ADD CONSTRAINT group_policy_attachments_group_id_fkey FOREIGN KEY (group_id) REFERENCES groups (group_id);

-- A user's or role's inline policies, attachments and access keys no longer cascade from it:
-- DeleteUser and DeleteRole refuse while any exists, so the schema refuses as well (a path that
-- skipped the check fails instead of silently deleting what it did not look at). What the
-- operations do delete with their row still cascades: a policy's versions (DeletePolicy removes
-- the default one with the policy), a user's password history, and everything of an account.
ALTER TABLE user_policies DROP CONSTRAINT user_policies_user_id_fkey,
  ADD CONSTRAINT user_policies_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (user_id);
ALTER TABLE user_policy_attachments DROP CONSTRAINT user_policy_attachments_user_id_fkey,
  ADD CONSTRAINT user_policy_attachments_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (user_id);
ALTER TABLE role_policies DROP CONSTRAINT role_policies_role_id_fkey,
  ADD CONSTRAINT role_policies_role_id_fkey FOREIGN KEY (role_id) REFERENCES roles (role_id);
ALTER TABLE role_policy_attachments DROP CONSTRAINT role_policy_attachments_role_id_fkey,
  ADD CONSTRAINT role_policy_attachments_role_id_fkey FOREIGN KEY (role_id) REFERENCES roles (role_id);
ALTER TABLE access_keys DROP CONSTRAINT access_keys_user_id_fkey,
  ADD CONSTRAINT access_keys_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (user_id);

-- A key (and an MFA device) is in its user's account: the caller's account of a signed request
-- is the key's account_id, so a key whose account differs from its user's would act elsewhere.
ALTER TABLE users ADD CONSTRAINT users_id_account_uniq UNIQUE (user_id, account_id);
ALTER TABLE access_keys ADD CONSTRAINT access_keys_user_account_fkey
  FOREIGN KEY (user_id, account_id) REFERENCES users (user_id, account_id) NOT VALID;
ALTER TABLE mfa_devices ADD CONSTRAINT mfa_devices_user_account_fkey
  FOREIGN KEY (user_id, account_id) REFERENCES users (user_id, account_id) NOT VALID;

-- Permissions boundaries deliberately have no foreign key: a boundary whose policy is gone (a
-- restored backup, a manual repair) stays on the user or role and allows nothing (fail closed,
-- src/iam/effective-policies.ts); DeletePolicy refuses while a boundary uses the policy.

-- ---------------------------------------------------------------------------------------------
-- CHECKs: what the code assumes of every row (names and paths as IAM's API accepts them,
-- ARNs in the row's account, tags as a JSON array within quota).
-- Names use explicit ASCII classes: \w would follow the database's locale.

-- (Ids are not pattern-checked: the repositories' contracts use ids of their own.)
ALTER TABLE users
  ADD CONSTRAINT users_name_check CHECK (user_name ~ '^[A-Za-z0-9_+=,.@-]{1,64}$') NOT VALID,
  ADD CONSTRAINT users_path_check CHECK (length(path) <= 512 AND path ~ '^(/|/[!-~]+/)$') NOT VALID,
  ADD CONSTRAINT users_tags_check CHECK (CASE WHEN jsonb_typeof(tags) = 'array' THEN jsonb_array_length(tags) <= 50 ELSE false END) NOT VALID;

ALTER TABLE groups
  ADD CONSTRAINT groups_name_check CHECK (group_name ~ '^[A-Za-z0-9_+=,.@-]{1,128}$') NOT VALID,
  ADD CONSTRAINT groups_path_check CHECK (length(path) <= 512 AND path ~ '^(/|/[!-~]+/)$') NOT VALID;

ALTER TABLE roles
  ADD CONSTRAINT roles_name_check CHECK (role_name ~ '^[A-Za-z0-9_+=,.@-]{1,64}$') NOT VALID,
  ADD CONSTRAINT roles_path_check CHECK (length(path) <= 512 AND path ~ '^(/|/[!-~]+/)$') NOT VALID,
  ADD CONSTRAINT roles_arn_check CHECK (starts_with(arn, 'arn:') AND strpos(arn, ':iam::' || account_id || ':role/') > 0) NOT VALID,
  ADD CONSTRAINT roles_description_check CHECK (length(description) <= 1000) NOT VALID,
  ADD CONSTRAINT roles_tags_check CHECK (CASE WHEN jsonb_typeof(tags) = 'array' THEN jsonb_array_length(tags) <= 50 ELSE false END) NOT VALID;

-- policies: an AWS managed policy (no account) has an arn:…:iam::aws:policy/ ARN, a customer
-- managed one its account's; version ids are v1, v2, … (versionNumber parses them).
ALTER TABLE policies
  ADD CONSTRAINT policies_name_check CHECK (policy_name ~ '^[A-Za-z0-9_+=,.@-]{1,128}$') NOT VALID,
  ADD CONSTRAINT policies_path_check CHECK (length(path) <= 512 AND path ~ '^(/|/[!-~]+/)$') NOT VALID,
  ADD CONSTRAINT policies_arn_check CHECK (
    starts_with(arn, 'arn:') AND strpos(arn, ':iam::' || coalesce(account_id, 'aws') || ':policy/') > 0) NOT VALID,
  ADD CONSTRAINT policies_default_version_check CHECK (default_version_id ~ '^v[1-9][0-9]*$') NOT VALID,
  ADD CONSTRAINT policies_next_version_check CHECK (next_version >= 2) NOT VALID,
  ADD CONSTRAINT policies_description_check CHECK (length(description) <= 1000) NOT VALID,
  ADD CONSTRAINT policies_tags_check CHECK (CASE WHEN jsonb_typeof(tags) = 'array' THEN jsonb_array_length(tags) <= 50 ELSE false END) NOT VALID;

ALTER TABLE policy_versions
  ADD CONSTRAINT policy_versions_version_check CHECK (version_id ~ '^v[1-9][0-9]*$') NOT VALID;

ALTER TABLE user_policies ADD CONSTRAINT user_policies_name_check CHECK (policy_name ~ '^[A-Za-z0-9_+=,.@-]{1,128}$') NOT VALID;
ALTER TABLE group_policies ADD CONSTRAINT group_policies_name_check CHECK (policy_name ~ '^[A-Za-z0-9_+=,.@-]{1,128}$') NOT VALID;
ALTER TABLE role_policies ADD CONSTRAINT role_policies_name_check CHECK (policy_name ~ '^[A-Za-z0-9_+=,.@-]{1,128}$') NOT VALID;

-- MFA devices: serial = arn:PARTITION:iam::ACCT:mfa{path}{name}; the last accepted TOTP step is a step.
ALTER TABLE mfa_devices
  ADD CONSTRAINT mfa_devices_serial_check CHECK (
    starts_with(serial_number, 'arn:')
    AND lower(right(serial_number, length(':iam::' || account_id || ':mfa' || path || device_name))) = lower(':iam::' || account_id || ':mfa' || path || device_name)) NOT VALID,
  ADD CONSTRAINT mfa_devices_path_check CHECK (length(path) <= 512 AND path ~ '^(/|/[!-~]+/)$') NOT VALID,
  ADD CONSTRAINT mfa_devices_last_counter_check CHECK (last_counter >= 0) NOT VALID,
  ADD CONSTRAINT mfa_devices_tags_check CHECK (CASE WHEN jsonb_typeof(tags) = 'array' THEN jsonb_array_length(tags) <= 50 ELSE false END) NOT VALID;

-- OIDC providers: ARN = …:oidc-provider/<resource>; IAM's quotas of client ids and thumbprints.
ALTER TABLE oidc_providers
  ADD CONSTRAINT oidc_providers_arn_check CHECK (
    starts_with(arn, 'arn:') AND right(arn, length(':iam::' || account_id || ':oidc-provider/' || resource)) = ':iam::' || account_id || ':oidc-provider/' || resource) NOT VALID,
  ADD CONSTRAINT oidc_providers_url_check CHECK (issuer_url ~ '^https?://' AND right(issuer_url, length(resource)) = resource) NOT VALID,
  ADD CONSTRAINT oidc_providers_client_ids_check CHECK (cardinality(client_ids) <= 100) NOT VALID,
  ADD CONSTRAINT oidc_providers_thumbprints_check CHECK (cardinality(thumbprints) <= 5) NOT VALID,
  ADD CONSTRAINT oidc_providers_tags_check CHECK (CASE WHEN jsonb_typeof(tags) = 'array' THEN jsonb_array_length(tags) <= 50 ELSE false END) NOT VALID;

ALTER TABLE saml_providers
  ADD CONSTRAINT saml_providers_arn_check CHECK (
    starts_with(arn, 'arn:') AND right(arn, length(':iam::' || account_id || ':saml-provider/' || name)) = ':iam::' || account_id || ':saml-provider/' || name) NOT VALID,
  ADD CONSTRAINT saml_providers_tags_check CHECK (CASE WHEN jsonb_typeof(tags) = 'array' THEN jsonb_array_length(tags) <= 50 ELSE false END) NOT VALID;

-- The account password policy within IAM's ranges (UpdateAccountPasswordPolicy's).
ALTER TABLE account_password_policy
  ADD CONSTRAINT account_password_policy_ranges_check CHECK (
    minimum_password_length BETWEEN 6 AND 128
    AND (max_password_age IS NULL OR max_password_age BETWEEN 1 AND 1095)
    AND (password_reuse_prevention IS NULL OR password_reuse_prevention BETWEEN 1 AND 24)) NOT VALID;

-- Validate every constraint added NOT VALID above whose existing rows all satisfy it.
DO $$
DECLARE c record;
BEGIN
  FOR c IN
    SELECT con.conname, con.conrelid::regclass AS tbl
      FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
     WHERE NOT con.convalidated AND con.contype IN ('c', 'f') AND n.nspname = current_schema()
     ORDER BY 2::text, 1
  LOOP
    BEGIN
      EXECUTE format('ALTER TABLE %s VALIDATE CONSTRAINT %I', c.tbl, c.conname);
    EXCEPTION WHEN check_violation OR foreign_key_violation THEN
      RAISE WARNING '0011: existing rows of % break constraint %; it holds for new and changed rows only until they are fixed (then: ALTER TABLE % VALIDATE CONSTRAINT %)',
        c.tbl, c.conname, c.tbl, c.conname;
    END;
  END LOOP;
END $$;
