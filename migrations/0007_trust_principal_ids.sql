-- 0007 trust principal ids
-- Why: principals in trust policies are bound by identity, not by name (as IAM does: "When you
-- save the policy, AWS transforms the ARN to a unique principal ID"). A trust policy naming
-- user/alice must not admit a user created later under the same name. trust_principals maps each
-- AWS principal ARN of the document (as written) that names a user or role of this installation
-- to that principal's unique id (AIDA…/AROA…) at save time; '' binds the ARN to nobody.
-- trust_principal_ids lists the ids, indexed, so deleting a user or role finds the trust
-- policies bound to it (they are then rewritten to show the id, as IAM shows them).
-- Existing roles are bound here to the principals their documents name now; an ARN of one of
-- our accounts naming no existing user or role is bound to nobody (fail closed). The role's own
-- ARN gives the partition.

ALTER TABLE roles
  ADD COLUMN trust_principals    jsonb  NOT NULL DEFAULT '{}'::jsonb,
  ADD COLUMN trust_principal_ids text[] NOT NULL DEFAULT '{}';

CREATE INDEX roles_trust_principal_ids ON roles USING gin (trust_principal_ids);

WITH named AS (
  SELECT DISTINCT r.role_id, m[1] AS arn, m[3] AS account_id, m[4] AS kind, m[5] AS path, m[6] AS name
    FROM roles r,
         regexp_matches(r.assume_role_policy, '"(arn:([a-z][a-z0-9-]*):iam::([0-9]{12}):(user|role)(/(?:[!#-~]*/)?)([A-Za-z0-9_+=,.@-]{1,128}))"', 'g') AS m
   WHERE m[2] = split_part(r.arn, ':', 2)
), bound AS (
  SELECT n.role_id, n.arn,
         COALESCE(CASE n.kind
           WHEN 'user' THEN (SELECT u.user_id FROM users u
                              WHERE u.account_id = n.account_id AND NOT u.is_root AND lower(u.user_name) = lower(n.name)
                                AND (n.path = '/' OR n.path = u.path))
           ELSE (SELECT x.role_id FROM roles x
                  WHERE x.account_id = n.account_id AND lower(x.role_name) = lower(n.name)
                    AND (n.path = '/' OR n.path = x.path))
         END, '') AS id
    FROM named n JOIN accounts a ON a.account_id = n.account_id
), agg AS (
  SELECT role_id, jsonb_object_agg(arn, id) AS map,
         COALESCE(array_agg(DISTINCT id) FILTER (WHERE id <> ''), '{}') AS ids
    FROM bound GROUP BY role_id
)
UPDATE roles r SET trust_principals = agg.map, trust_principal_ids = agg.ids
  FROM agg WHERE r.role_id = agg.role_id;
