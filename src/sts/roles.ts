import type { AssumableRole } from '../store/federation.js';
import type { Store } from '../store/store.js';

/**
 * The role an STS request names. Matched by account and name (the last path segment of the
 * ARN, case-insensitively as IAM names are), so an ARN with or without the role's path finds
 * it; the ARN returned is the role's own.
 */
export type RoleRecord = AssumableRole;

const ROLE_ARN = /^arn:[\w-]+:iam::(\d{12}):role\/(?:[\u0021-\u007E]*\/)?([\w+=,.@-]{1,64})$/;

export async function findRole(services: { store: Pick<Store, 'federation'> }, roleArn: string): Promise<RoleRecord | null> {
  const m = ROLE_ARN.exec(roleArn);
  if (!m) return null;
  const role = await services.store.federation.assumableRole(m[1]!, m[2]!);
  if (!role) return null;
  // A path in the requested ARN must be the role's path.
  const path = roleArn.slice(roleArn.indexOf(':role/') + 5, roleArn.length - m[2]!.length);
  if (path !== '/' && path !== role.path) return null;
  return role;
}
