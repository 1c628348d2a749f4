/**
 * The stored policies of a user, group or role, by ARN, as SimulatePrincipalPolicy and
 * GetContextKeysForPrincipalPolicy use them: each with the id and type IAM reports in
 * MatchedStatements (inline: the policy name with type user/group/role; managed: the policy
 * name with type user-managed/aws-managed). A user includes its groups' policies.
 */
import { Errors } from '../../errors/index.js';
import type { SimulationPolicy } from '../../policy/index.js';
import type { Sql } from './shared.js';

export interface PrincipalPolicySet {
  kind: 'user' | 'group' | 'role';
  arn: string;
  identity: { document: string; id: string; sourceType: string }[];
  boundary: SimulationPolicy[];
}

const ARN = /^arn:([a-z][a-z0-9-]*):iam::(\d{12}):(user|group|role)(\/(?:[\u0021-\u007E]*\/)?)?([\w+=,.@-]+)$/;

const MANAGED = (table: string, col: string) => `
  SELECT p.policy_name AS id, CASE WHEN p.account_id IS NULL THEN 'aws-managed' ELSE 'user-managed' END AS src, v.document
    FROM ${table} a JOIN policies p ON p.arn = a.policy_arn
    JOIN policy_versions v ON v.policy_id = p.policy_id AND v.is_default
   WHERE a.${col} = $1`;

async function boundaryOf(db: Sql, arn: string | null): Promise<SimulationPolicy[]> {
  if (!arn) return [];
  const r = await db.query(
    `SELECT p.policy_name, v.document FROM policies p JOIN policy_versions v ON v.policy_id = p.policy_id AND v.is_default WHERE p.arn = $1`,
    [arn],
  );
  const row = r.rows[0];
  return row ? [{ document: row.document, id: row.policy_name, sourceType: 'user-managed' }] : [];
}

export async function loadPrincipalPolicies(db: Sql, accountId: string, arn: string): Promise<PrincipalPolicySet> {
  const m = ARN.exec(arn);
  if (!m) throw Errors.invalidInput(`Invalid ARN: ${arn}`);
  const [, , acct, kind, rawPath, name] = m as unknown as [string, string, string, 'user' | 'group' | 'role', string | undefined, string];
  const path = rawPath ?? '/';
  const missing = () => Errors.noSuchEntity(`The ${kind} with name ${name} cannot be found.`);
  if (acct !== accountId) throw missing();

  const rows = (sql: string, id: string) => db.query(sql, [id]).then((r) => r.rows.map((x) => ({ document: x.document as string, id: x.id as string, sourceType: x.src as string })));

  if (kind === 'role') {
    const r = await db.query(`SELECT role_id, path, permissions_boundary FROM roles WHERE account_id = $1 AND lower(role_name) = lower($2)`, [accountId, name]);
    const role = r.rows[0];
    if (!role || role.path !== path) throw missing();
    const identity = await rows(`SELECT policy_name AS id, 'role' AS src, document FROM role_policies WHERE role_id = $1 UNION ALL ${MANAGED('role_policy_attachments', 'role_id')}`, role.role_id);
    return { kind, arn, identity, boundary: await boundaryOf(db, role.permissions_boundary) };
  }
  if (kind === 'group') {
    const r = await db.query(`SELECT group_id, path FROM groups WHERE account_id = $1 AND lower(group_name) = lower($2)`, [accountId, name]);
    const g = r.rows[0];
    if (!g || g.path !== path) throw missing();
    const identity = await rows(`SELECT policy_name AS id, 'group' AS src, document FROM group_policies WHERE group_id = $1 UNION ALL ${MANAGED('group_policy_attachments', 'group_id')}`, g.group_id);
    return { kind, arn, identity, boundary: [] };
  }
  const r = await db.query(`SELECT user_id, path, permissions_boundary FROM users WHERE account_id = $1 AND NOT is_root AND lower(user_name) = lower($2)`, [accountId, name]);
  const u = r.rows[0];
  if (!u || u.path !== path) throw missing();
  const identity = await rows(
    `SELECT policy_name AS id, 'user' AS src, document FROM user_policies WHERE user_id = $1
     UNION ALL ${MANAGED('user_policy_attachments', 'user_id')}
     UNION ALL SELECT gp.policy_name, 'group', gp.document FROM group_members m JOIN group_policies gp ON gp.group_id = m.group_id WHERE m.user_id = $1
     UNION ALL SELECT p.policy_name, CASE WHEN p.account_id IS NULL THEN 'aws-managed' ELSE 'user-managed' END, v.document
       FROM group_members m JOIN group_policy_attachments a ON a.group_id = m.group_id
       JOIN policies p ON p.arn = a.policy_arn JOIN policy_versions v ON v.policy_id = p.policy_id AND v.is_default
      WHERE m.user_id = $1`,
    u.user_id,
  );
  const seen = new Set<string>();
  const unique = identity.filter((x) => (x.sourceType.endsWith('managed') ? (seen.has(x.id) ? false : (seen.add(x.id), true)) : true));
  return { kind: 'user', arn, identity: unique, boundary: await boundaryOf(db, u.permissions_boundary) };
}
