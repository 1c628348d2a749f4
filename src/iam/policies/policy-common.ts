import type { AuthedContext } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import type { ManagedPolicy, ManagedPolicyRepository } from '../../store/managed-policies.js';
import { authorize, type ContextValue } from '../authorize.js';
import { POLICY_ARN, policyNotFound, type PolicyRow } from './shared.js';

/**
 * LEGACY (operations not yet on the store contract: TagPolicy, UntagPolicy, ListPolicyTags,
 * ListEntitiesForPolicy): as `authorizedManagedPolicy`, answered as the old row shape.
 * New code uses `authorizedManagedPolicy`.
 */
export async function authorizedPolicy(
  ctx: AuthedContext,
  arn: string,
  action: string,
  opts: { own?: boolean; extra?: Record<string, ContextValue> } = {},
): Promise<PolicyRow> {
  const p = await authorizedManagedPolicy(ctx, arn, action, opts);
  return {
    policy_id: p.id,
    account_id: p.accountId ?? null,
    policy_name: p.name,
    path: p.path,
    arn: p.arn,
    description: p.description ?? null,
    default_version_id: p.defaultVersionId,
    next_version: p.nextVersion,
    is_attachable: p.isAttachable,
    tags: p.tags,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    attachment_count: p.attachmentCount,
    boundary_usage_count: p.boundaryUsageCount,
  };
}

/**
 * The managed policy `arn` as the caller's account sees it (its own or AWS managed), in IAM's
 * words when it is not there: InvalidInput for what is not a policy ARN, NoSuchEntity otherwise.
 * `own`: only the account's own (AWS managed policies are not modifiable: InvalidInput).
 * `lock` (in a transaction): FOR UPDATE.
 */
export async function loadPolicy(repo: ManagedPolicyRepository, accountId: string, arn: string, opts: { own?: boolean; lock?: boolean } = {}): Promise<ManagedPolicy> {
  const p = await repo.get(accountId, arn, { lock: opts.lock ?? false });
  if (!p) {
    if (!POLICY_ARN.test(arn)) throw Errors.invalidInput(`ARN ${arn} is not valid.`);
    throw policyNotFound(arn);
  }
  if (opts.own && p.accountId === undefined) throw Errors.invalidInput(`ARN ${arn} is not valid.`);
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
