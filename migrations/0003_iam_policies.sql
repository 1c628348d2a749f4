-- 0003 iam policies
-- Why: roles, customer- and AWS-managed policies with up to 5 versions, inline policies of
-- users, groups and roles, and managed-policy attachments: what authorization reads to decide
-- every signed call. Names are unique case-insensitively per account (roles, policies), as in
-- IAM. Attachments reference the policy by ARN with ON DELETE RESTRICT, so a policy can never
-- disappear under an attachment. User rows cascade (as access keys do): DeleteUser refuses with
-- DeleteConflict before that while anything is attached. group_id has no foreign key because
-- groups belong to migration 0002's area and DeleteGroup checks these tables itself.

CREATE TABLE roles (
  role_id              text PRIMARY KEY CHECK (role_id ~ '^AROA[A-Z2-7]{17}$'),
  account_id           text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
  role_name            text NOT NULL,
  path                 text NOT NULL DEFAULT '/',
  arn                  text NOT NULL UNIQUE,
  assume_role_policy   text NOT NULL,
  description          text,
  max_session_duration integer NOT NULL DEFAULT 3600 CHECK (max_session_duration BETWEEN 3600 AND 43200),
  permissions_boundary text,
  tags                 jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at           timestamptz NOT NULL DEFAULT now(),
  last_used_at         timestamptz,
  last_used_region     text
);
CREATE UNIQUE INDEX roles_name_uniq ON roles (account_id, lower(role_name));

-- account_id NULL: an AWS managed policy (arn:aws:iam::aws:policy/...), shared by every account.
CREATE TABLE policies (
  policy_id          text PRIMARY KEY CHECK (policy_id ~ '^ANPA[A-Z2-7]{17}$'),
  account_id         text REFERENCES accounts (account_id) ON DELETE CASCADE,
  policy_name        text NOT NULL,
  path               text NOT NULL DEFAULT '/',
  arn                text NOT NULL UNIQUE,
  description        text,
  default_version_id text NOT NULL DEFAULT 'v1',
  -- The number the next CreatePolicyVersion takes (IAM never reuses a version id).
  next_version       integer NOT NULL DEFAULT 2,
  is_attachable      boolean NOT NULL DEFAULT true,
  tags               jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX policies_name_uniq ON policies (coalesce(account_id, 'aws'), lower(policy_name));

CREATE TABLE policy_versions (
  policy_id  text NOT NULL REFERENCES policies (policy_id) ON DELETE CASCADE,
  version_id text NOT NULL,
  document   text NOT NULL,
  is_default boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (policy_id, version_id)
);
CREATE UNIQUE INDEX policy_versions_one_default ON policy_versions (policy_id) WHERE is_default;

CREATE TABLE user_policies (
  user_id     text NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  policy_name text NOT NULL,
  document    text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, policy_name)
);

CREATE TABLE group_policies (
  group_id    text NOT NULL,
  policy_name text NOT NULL,
  document    text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, policy_name)
);

CREATE TABLE role_policies (
  role_id     text NOT NULL REFERENCES roles (role_id) ON DELETE CASCADE,
  policy_name text NOT NULL,
  document    text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (role_id, policy_name)
);

CREATE TABLE user_policy_attachments (
  user_id     text NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  policy_arn  text NOT NULL REFERENCES policies (arn) ON DELETE RESTRICT,
  attached_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, policy_arn)
);
CREATE INDEX user_policy_attachments_policy ON user_policy_attachments (policy_arn);

CREATE TABLE group_policy_attachments (
  group_id    text NOT NULL,
  policy_arn  text NOT NULL REFERENCES policies (arn) ON DELETE RESTRICT,
  attached_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, policy_arn)
);
CREATE INDEX group_policy_attachments_policy ON group_policy_attachments (policy_arn);

CREATE TABLE role_policy_attachments (
  role_id     text NOT NULL REFERENCES roles (role_id) ON DELETE CASCADE,
  policy_arn  text NOT NULL REFERENCES policies (arn) ON DELETE RESTRICT,
  attached_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (role_id, policy_arn)
);
CREATE INDEX role_policy_attachments_policy ON role_policy_attachments (policy_arn);

-- A few AWS managed policies, so the usual ARNs attach. Their documents are AWS's own for the
-- IAM ones; AdministratorAccess and ReadOnlyAccess are the well-known short forms.
INSERT INTO policies (policy_id, account_id, policy_name, path, arn, description, created_at, updated_at) VALUES
  ('ANPAIWMBCKSKIEE64ZLYK', NULL, 'AdministratorAccess', '/', 'arn:aws:iam::aws:policy/AdministratorAccess',
   'Provides full access to AWS services and resources.', '2015-02-06T18:39:46Z', '2015-02-06T18:39:46Z'),
  ('ANPAZKAPJZG4OHYOUUDTF', NULL, 'ReadOnlyAccess', '/', 'arn:aws:iam::aws:policy/ReadOnlyAccess',
   'Provides read-only access to AWS services and resources.', '2015-02-06T18:39:48Z', '2015-02-06T18:39:48Z'),
  ('ANPAI7XKCFMBPM3QQRRVQ', NULL, 'IAMFullAccess', '/', 'arn:aws:iam::aws:policy/IAMFullAccess',
   'Provides full access to IAM via the AWS Management Console.', '2015-02-06T18:40:38Z', '2015-02-06T18:40:38Z'),
  ('ANPAJKSO7NDY4T57MWDSQ', NULL, 'IAMReadOnlyAccess', '/', 'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
   'Provides read only access to IAM via the AWS Management Console.', '2015-02-06T18:40:39Z', '2015-02-06T18:40:39Z');

INSERT INTO policy_versions (policy_id, version_id, document, is_default, created_at) VALUES
  ('ANPAIWMBCKSKIEE64ZLYK', 'v1', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}', true, '2015-02-06T18:39:46Z'),
  ('ANPAZKAPJZG4OHYOUUDTF', 'v1', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*:Describe*","*:Get*","*:List*","sts:GetCallerIdentity"],"Resource":"*"}]}', true, '2015-02-06T18:39:48Z'),
  ('ANPAI7XKCFMBPM3QQRRVQ', 'v1', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}', true, '2015-02-06T18:40:38Z'),
  ('ANPAJKSO7NDY4T57MWDSQ', 'v1', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:GenerateServiceLastAccessedDetails","iam:Get*","iam:List*","iam:SimulateCustomPolicy","iam:SimulatePrincipalPolicy"],"Resource":"*"}]}', true, '2015-02-06T18:40:39Z');
