/**
 * The stored policies of a user, group or role, by ARN, as SimulatePrincipalPolicy and
 * GetContextKeysForPrincipalPolicy use them: each with the id and type IAM reports in
 * MatchedStatements (inline: the policy name with type user/group/role; managed: the policy
 * name with type user-managed/aws-managed). A user includes its groups' policies.
 */
import type { AuthedContext } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import type { PrincipalPolicy } from '../../store/authorization-details.js';

export interface PrincipalPolicySet {
  kind: 'user' | 'group' | 'role';
  arn: string;
  identity: PrincipalPolicy[];
  boundary: PrincipalPolicy[];
}

const ARN = /^arn:([a-z][a-z0-9-]*):iam::(\d{12}):(user|group|role)(\/(?:[\u0021-\u007E]*\/)?)?([\w+=,.@-]+)$/;

export async function loadPrincipalPolicies(ctx: AuthedContext, arn: string): Promise<PrincipalPolicySet> {
  const m = ARN.exec(arn);
  if (!m) throw Errors.invalidInput(`Invalid ARN: ${arn}`);
  const [, , acct, kind, rawPath, name] = m as unknown as [string, string, string, 'user' | 'group' | 'role', string | undefined, string];
  const missing = () => Errors.noSuchEntity(`The ${kind} with name ${name} cannot be found.`);
  if (acct !== ctx.caller.accountId) throw missing();
  const set = await ctx.services.store.authorizationDetails.principalPolicies(acct, kind, name);
  // The ARN's path must be the principal's own.
  if (!set || set.path !== (rawPath ?? '/')) throw missing();
  return { kind, arn, identity: set.identity, boundary: set.boundary };
}
