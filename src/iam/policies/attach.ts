import type { AuthedContext } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import type { AttachedPolicy } from '../../protocols/generated/iam.js';
import { attachedPolicySortKey } from '../../store/policies.js';
import { decodeMarker, paginate } from '../common.js';
import { authorizedEntity, findEntity, type EntityKind } from './entity.js';
import { MANAGED_POLICIES_PER_ENTITY, POLICY_ARN } from './shared.js';

/**
 * Attach{User,Group,Role}Policy, Detach…, ListAttached…Policies: one implementation each, for
 * one entity kind; every action keeps its own file (defineOperation) that calls it.
 */

export async function attachPolicy(ctx: AuthedContext, k: EntityKind, name: string, arn: string): Promise<void> {
  const e = await authorizedEntity(ctx, k, name, `iam:Attach${k.Kind}Policy`, { 'iam:PolicyARN': arn });
  ctx.audit.policyArn = arn;
  if (!POLICY_ARN.test(arn)) throw Errors.invalidInput(`ARN ${arn} is not valid.`);
  await ctx.services.store.tx(async (t) => {
    // The entity held FOR UPDATE: concurrent attaches to it count one after the other.
    const locked = await findEntity(ctx, k, name, { t, lock: true });
    const p = await t.policies.policy(ctx.caller.accountId, arn);
    if (!p?.isAttachable) throw Errors.noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
    const n = await t.policies.attachments(k.kind, locked.id, arn);
    if (n.attached) return;
    if (n.count >= MANAGED_POLICIES_PER_ENTITY) throw Errors.limitExceeded(`Cannot exceed quota for PoliciesPer${k.Kind}: ${MANAGED_POLICIES_PER_ENTITY}`);
    await t.policies.attach(k.kind, locked.id, arn, ctx.req.now);
    await k.invalidate(ctx, e, t);
  });
}

export async function detachPolicy(ctx: AuthedContext, k: EntityKind, name: string, arn: string): Promise<void> {
  const e = await authorizedEntity(ctx, k, name, `iam:Detach${k.Kind}Policy`, { 'iam:PolicyARN': arn });
  ctx.audit.policyArn = arn;
  // One transaction: the detach, its audit record and its invalidation commit together.
  await ctx.services.store.tx(async (t) => {
    if (!(await t.policies.detach(k.kind, e.id, arn))) {
      if (!POLICY_ARN.test(arn)) throw Errors.invalidInput(`ARN ${arn} is not valid.`);
      throw Errors.noSuchEntity(`Policy ${arn} was not found.`);
    }
    await k.invalidate(ctx, e, t);
  });
}

export interface ListAttachedInput {
  PathPrefix?: string;
  Marker?: string;
  MaxItems?: number;
}

export interface ListAttachedOutput {
  AttachedPolicies: AttachedPolicy[];
  IsTruncated: boolean;
  Marker?: string;
}

export async function listAttachedPolicies(ctx: AuthedContext, k: EntityKind, name: string, input: ListAttachedInput): Promise<ListAttachedOutput> {
  const maxItems = input.MaxItems ?? 100;
  const e = await authorizedEntity(ctx, k, name, `iam:ListAttached${k.Kind}Policies`);
  const rows = await ctx.services.store.policies.attachedPage(k.kind, e.id, input.PathPrefix ?? '/', { after: decodeMarker(input.Marker), limit: maxItems + 1 });
  const page = paginate(rows, { marker: input.Marker, maxItems }, attachedPolicySortKey);
  return {
    AttachedPolicies: page.items.map((p) => ({ PolicyName: p.name, PolicyArn: p.arn })),
    IsTruncated: page.IsTruncated,
    ...(page.Marker ? { Marker: page.Marker } : {}),
  };
}
