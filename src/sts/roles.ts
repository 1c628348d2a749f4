import type { Services } from '../services.js';
import { PgRoleRepository } from '../store/roles.js';

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

/**
 * The role `roleArn` names, or null. Hot path (AssumeRole*, cached by the federation directory):
 * one indexed row, only the columns STS needs (store/roles.ts `assumable`).
 */
export async function findRole(services: Pick<Services, 'store'> | Pick<Services, 'db'>, roleArn: string): Promise<RoleRecord | null> {
  const m = ROLE_ARN.exec(roleArn);
  if (!m) return null;
  // `{ db }` alone (the signature before the store) still works: the same repository over the pool.
  const roles = 'store' in services ? services.store.roles : new PgRoleRepository(services.db);
  const role = await roles.assumable(m[1]!, m[2]!);
  if (!role) return null;
  // A path in the requested ARN must be the role's path.
  const path = roleArn.slice(roleArn.indexOf(':role/') + 5, roleArn.length - m[2]!.length);
  if (path !== '/' && path !== role.path) return null;
  return {
    roleId: role.id,
    accountId: role.accountId,
    roleName: role.name,
    path: role.path,
    roleArn: role.arn,
    trustPolicy: role.trustPolicy,
    trustPrincipals: role.trustPrincipals,
    maxSessionDuration: role.maxSessionDuration,
  };
}
