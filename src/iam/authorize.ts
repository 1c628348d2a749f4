import { Errors } from '../errors/index.js';
import type { AuthedContext } from '../awsquery/operation.js';

/**
 * Authorize one IAM (or STS) action for the caller through the policy engine.
 *   await authorize(ctx, 'iam:CreateUser', 'arn:aws:iam::123456789012:user/path/bob', { 'iam:PermissionsBoundary': arn })
 * Throws AccessDenied (403) in AWS's message format when not allowed. Root is always allowed.
 * Context keys aws:username, aws:userid, aws:PrincipalTag/*, aws:SourceIp, aws:CurrentTime,
 * aws:EpochTime, aws:MultiFactorAuthPresent, aws:SecureTransport, aws:UserAgent,
 * aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:RequestedRegion, … are added
 * here; `extra` adds request-specific keys (aws:RequestTag/*, aws:TagKeys, iam:PolicyARN, …).
 */
export type ContextValue = string | string[] | number | boolean;

export async function authorize(
  ctx: AuthedContext,
  action: string,
  resource: string,
  extra: Record<string, ContextValue> = {},
): Promise<void> {
  void extra;
  if (ctx.caller.isRoot) return;
  // Fail closed until the principal-policy loader is wired to the policy engine.
  throw Errors.accessDenied(
    `User: ${ctx.caller.arn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
  );
}
