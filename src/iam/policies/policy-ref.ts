import type { AuthedContext } from '../../protocols/operation.js';
import type { PolicyRef } from '../../store/policies.js';
import type { Repositories } from '../../store/store.js';
import { authorize, type ContextValue } from '../authorize.js';
import { visiblePolicy } from './policy-common.js';

/**
 * A managed policy the account can see (its own or AWS managed), as tagging and
 * ListEntitiesForPolicy need it; NoSuchEntity (or InvalidInput for a malformed ARN) otherwise.
 * `own`: AWS managed policies are not the caller's to change (InvalidInput, as IAM answers).
 * `t` and `lock`: inside a transaction, held FOR UPDATE until it ends.
 */
export async function findPolicyRef(ctx: AuthedContext, arn: string, opts: { own?: boolean; t?: Repositories; lock?: boolean } = {}): Promise<PolicyRef> {
  return visiblePolicy(await (opts.t ?? ctx.services.store).policies.policy(ctx.caller.accountId, arn, { lock: opts.lock ?? false }), arn, opts.own ?? false);
}

/** Authorize `action` on the policy ARN (whether or not it exists), then note it for the audit record. */
export async function authorizePolicyAction(ctx: AuthedContext, arn: string, action: string, extra: Record<string, ContextValue> = {}): Promise<void> {
  await authorize(ctx, action, arn, extra);
  ctx.audit.policyArn = arn;
}
