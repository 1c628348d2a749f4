import type { Services } from '../services.js';

/**
 * The role an STS request names (table roles, migration 0003). Matched by account and name (the
 * last path segment of the ARN, case-insensitively as IAM names are), so an ARN with or without
 * the role's path finds it; the ARN returned is the role's own.
 */
export interface RoleRecord {
  roleId: string;
  accountId: string;
  roleName: string;
  path: string;
  roleArn: string;
  trustPolicy: string;
  /** The trust policy's identity binding: principal ARN → unique id (roles.trust_principals). */
  trustPrincipals: Record<string, string>;
  maxSessionDuration: number;
}

const ROLE_ARN = /^arn:[\w-]+:iam::(\d{12}):role\/(?:[\u0021-\u007E]*\/)?([\w+=,.@-]{1,64})$/;

export async function findRole(services: Pick<Services, 'db'>, roleArn: string): Promise<RoleRecord | null> {
  const m = ROLE_ARN.exec(roleArn);
  if (!m) return null;
  const r = await services.db.query<{ role_id: string; account_id: string; role_name: string; path: string; arn: string; assume_role_policy: string; trust_principals: Record<string, string>; max_session_duration: number }>(
    `SELECT role_id, account_id, role_name, path, arn, assume_role_policy, trust_principals, max_session_duration
       FROM roles WHERE account_id = $1 AND lower(role_name) = lower($2)`,
    [m[1], m[2]],
  );
  const row = r.rows[0];
  if (!row) return null;
  // A path in the requested ARN must be the role's path.
  const path = roleArn.slice(roleArn.indexOf(':role/') + 5, roleArn.length - m[2]!.length);
  if (path !== '/' && path !== row.path) return null;
  return {
    roleId: row.role_id,
    accountId: row.account_id,
    roleName: row.role_name,
    path: row.path,
    roleArn: row.arn,
    trustPolicy: row.assume_role_policy,
    trustPrincipals: row.trust_principals,
    maxSessionDuration: row.max_session_duration,
  };
}
