import { compilePolicy, type CompiledPolicy } from '../policy/index.js';
import { decide, type ContextValue } from '../iam/authorize.js';
import type { AuthedContext } from '../protocols/operation.js';
import type { RoleRecord } from './roles.js';

/**
 * Whether the caller may perform a trust action (sts:AssumeRole, sts:TagSession,
 * sts:SetSourceIdentity) on a role: the role's trust policy is the role's resource policy, and
 * one that must allow (`must-allow`: unlike other resource policies it is no union with the
 * identity policies, even in the same account — id_roles_compare-resource-policies). So the
 * trust policy needs a matching Allow for the action, conditions and all: one naming the caller
 * (or the role behind its session) suffices, one naming the account delegates to the caller's
 * identity policies, which must then allow too; another account, both sides must allow; explicit
 * denies and session policies / boundaries always apply. Returns the decision detail for the audit log.
 */
export async function trustAllows(
  ctx: AuthedContext,
  role: RoleRecord,
  trust: CompiledPolicy,
  action: string,
  extra: Record<string, ContextValue>,
): Promise<{ allowed: boolean; decision: string; reason: string }> {
  const d = await decide(ctx, action, role.roleArn, extra, { resourcePolicy: trust, resourcePolicyMode: 'must-allow' });
  return { allowed: d.decision === 'allowed', decision: d.decision, reason: d.reason };
}

/** The role's trust policy, its principal entries bound to the unique ids they were saved with. */
export const compileTrust = (role: Pick<RoleRecord, 'trustPolicy' | 'roleArn' | 'trustPrincipals'>) =>
  compilePolicy(role.trustPolicy, { kind: 'trust', id: role.roleArn, sourceType: 'resource', principalIds: role.trustPrincipals });
