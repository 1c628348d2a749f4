-- Issue 10: a managed policy's AttachmentCount and PermissionsBoundaryUsageCount, per account.
--
-- Counting attachments per listed policy made ListPolicies cost grow with the account (at 100,000
-- users a policy attached to 2,000 of them cost 2,000 index reads per row of every page), and an
-- AWS managed policy (account_id NULL) is shared by every account: its counts are those of the
-- account asking. policy_usage keeps both counts per (policy, account), maintained by triggers on
-- the attachment tables and on users'/roles' permissions_boundary in the same transaction as the
-- change (so they never drift), and read with one primary-key lookup.

CREATE TABLE policy_usage (
  policy_arn  text    NOT NULL REFERENCES policies (arn) ON DELETE CASCADE,
  account_id  text    NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
  attachments integer NOT NULL DEFAULT 0 CHECK (attachments >= 0),
  boundaries  integer NOT NULL DEFAULT 0 CHECK (boundaries >= 0),
  PRIMARY KEY (policy_arn, account_id)
);

-- Adds (da, db) to the counts of (arn, acct). A policy that no longer exists (a boundary left
-- naming a deleted policy) has no counts to keep; an entity without an account (already gone in
-- a cascade) neither.
CREATE FUNCTION policy_usage_add(arn text, acct text, da integer, db integer) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO policy_usage (policy_arn, account_id, attachments, boundaries)
  SELECT arn, acct, greatest(da, 0), greatest(db, 0)
   WHERE arn IS NOT NULL AND acct IS NOT NULL
     AND EXISTS (SELECT 1 FROM policies WHERE policies.arn = policy_usage_add.arn)
     AND EXISTS (SELECT 1 FROM accounts WHERE accounts.account_id = policy_usage_add.acct)
  ON CONFLICT (policy_arn, account_id)
  DO UPDATE SET attachments = policy_usage.attachments + da, boundaries = policy_usage.boundaries + db
$$;

CREATE FUNCTION policy_usage_attachment() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  acct text;
  r record;
  delta integer;
BEGIN
  IF TG_OP = 'INSERT' THEN r := NEW; delta := 1; ELSE r := OLD; delta := -1; END IF;
  IF TG_TABLE_NAME = 'user_policy_attachments' THEN
    SELECT account_id INTO acct FROM users WHERE user_id = r.user_id;
  ELSIF TG_TABLE_NAME = 'group_policy_attachments' THEN
    SELECT account_id INTO acct FROM groups WHERE group_id = r.group_id;
  ELSE
    SELECT account_id INTO acct FROM roles WHERE role_id = r.role_id;
  END IF;
  PERFORM policy_usage_add(r.policy_arn, acct, delta, 0);
  RETURN NULL;
END $$;

CREATE TRIGGER user_policy_attachments_usage AFTER INSERT OR DELETE ON user_policy_attachments
  FOR EACH ROW EXECUTE FUNCTION policy_usage_attachment();
CREATE TRIGGER group_policy_attachments_usage AFTER INSERT OR DELETE ON group_policy_attachments
  FOR EACH ROW EXECUTE FUNCTION policy_usage_attachment();
CREATE TRIGGER role_policy_attachments_usage AFTER INSERT OR DELETE ON role_policy_attachments
  FOR EACH ROW EXECUTE FUNCTION policy_usage_attachment();

CREATE FUNCTION policy_usage_boundary() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.permissions_boundary IS NOT NULL
     AND (TG_OP = 'DELETE' OR NEW.permissions_boundary IS DISTINCT FROM OLD.permissions_boundary) THEN
    PERFORM policy_usage_add(OLD.permissions_boundary, OLD.account_id, 0, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.permissions_boundary IS NOT NULL
     AND (TG_OP = 'INSERT' OR NEW.permissions_boundary IS DISTINCT FROM OLD.permissions_boundary) THEN
    PERFORM policy_usage_add(NEW.permissions_boundary, NEW.account_id, 0, 1);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER users_boundary_usage AFTER INSERT OR DELETE OR UPDATE OF permissions_boundary ON users
  FOR EACH ROW EXECUTE FUNCTION policy_usage_boundary();
CREATE TRIGGER roles_boundary_usage AFTER INSERT OR DELETE OR UPDATE OF permissions_boundary ON roles
  FOR EACH ROW EXECUTE FUNCTION policy_usage_boundary();

-- The counts of what exists now.
INSERT INTO policy_usage (policy_arn, account_id, attachments, boundaries)
SELECT arn, account_id, sum(a)::int, sum(b)::int FROM (
  SELECT a.policy_arn AS arn, u.account_id, 1 AS a, 0 AS b FROM user_policy_attachments a JOIN users u USING (user_id)
  UNION ALL SELECT a.policy_arn, g.account_id, 1, 0 FROM group_policy_attachments a JOIN groups g USING (group_id)
  UNION ALL SELECT a.policy_arn, r.account_id, 1, 0 FROM role_policy_attachments a JOIN roles r USING (role_id)
  UNION ALL SELECT permissions_boundary, account_id, 0, 1 FROM users WHERE permissions_boundary IS NOT NULL
  UNION ALL SELECT permissions_boundary, account_id, 0, 1 FROM roles WHERE permissions_boundary IS NOT NULL
) x
WHERE EXISTS (SELECT 1 FROM policies p WHERE p.arn = x.arn)
GROUP BY arn, account_id;
