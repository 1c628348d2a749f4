import type { AuthedContext } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import type { ManagedPolicy, ManagedPolicyRepository } from '../../store/managed-policies.js';
import { authorize, type ContextValue } from '../authorize.js';
import { POLICY_ARN, policyNotFound } from './shared.js';

/**
 * The managed policy `arn` as the caller's account sees it (its own or AWS managed), in IAM's
 * words when it is not there: InvalidInput for what is not a policy ARN, NoSuchEntity otherwise.
 * `own`: only the account's own (AWS managed policies are not modifiable: InvalidInput).
 * `lock` (in a transaction): FOR UPDATE.
 */
export async function loadPolicy(repo: ManagedPolicyRepository, accountId: string, arn: string, opts: { own?: boolean; lock?: boolean } = {}): Promise<ManagedPolicy> {
  return visiblePolicy(await repo.get(accountId, arn, { lock: opts.lock ?? false }), arn, opts.own ?? false);
}

/**
 * IAM's answer for a managed policy looked up by ARN: the policy, or InvalidInput for what is not
 * a policy ARN and NoSuchEntity otherwise; with `own`, an AWS managed policy (no account) is
 * InvalidInput too (not the caller's to change).
 */
export function visiblePolicy<P extends { accountId?: string }>(p: P | null, arn: string, own: boolean): P {
  if (!p) {
    if (!POLICY_ARN.test(arn)) throw Errors.invalidInput(`ARN ${arn} is not valid.`);
    throw policyNotFound(arn);
  }
  if (own && p.accountId === undefined) throw Errors.invalidInput(`ARN ${arn} is not valid.`);
  return p;
}

/** Authorize `action` on the policy ARN, then load it (own policies only when `own`). */
export async function authorizedManagedPolicy(
  ctx: AuthedContext,
  arn: string,
  action: string,
  opts: { own?: boolean; extra?: Record<string, ContextValue> } = {},
): Promise<ManagedPolicy> {
  await authorize(ctx, action, arn, opts.extra ?? {});
  ctx.audit.policyArn = arn;
  return loadPolicy(ctx.services.store.managedPolicies, ctx.caller.accountId, arn, { own: opts.own ?? false });
}

export const noSuchVersion = (arn: string, versionId: string) => Errors.noSuchEntity(`Policy ${arn} version ${versionId} does not exist or is not attachable.`);
