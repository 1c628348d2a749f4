import type { AuthedContext } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { policySize } from '../../policy/index.js';
import { inlinePolicySortKey, type InlinePolicy } from '../../store/policies.js';
import { decodeMarker, paginate } from '../common.js';
import { authorizedEntity, findEntity, type Entity, type EntityKind } from './entity.js';
import { validateDocument } from './shared.js';

/**
 * Put/Get/Delete/List{User,Group,Role}Policy (inline policies): one implementation each, for one
 * entity kind; every action keeps its own file (defineOperation) that calls it.
 */
const notFound = (k: EntityKind, name: string) => Errors.noSuchEntity(`The ${k.kind} policy with name ${name} cannot be found.`);

export async function putInlinePolicy(ctx: AuthedContext, k: EntityKind, name: string, policyName: string, document: string): Promise<void> {
  const e = await authorizedEntity(ctx, k, name, `iam:Put${k.Kind}Policy`);
  ctx.audit.policyName = policyName;
  validateDocument(document, 'identity');
  await ctx.services.store.tx(async (t) => {
    // The entity held FOR UPDATE: concurrent puts check the aggregate quota one after the other.
    const locked = await findEntity(ctx, k, name, { t, lock: true });
    const others = await t.policies.inlinePolicies(k.kind, locked.id, { except: policyName });
    const total = others.reduce((n, p) => n + policySize(p.document), policySize(document));
    if (total > k.inlineQuota) throw Errors.limitExceeded(`Maximum policy size of ${k.inlineQuota} bytes exceeded for ${k.kind} ${locked.name}`);
    await t.policies.putInline(k.kind, locked.id, { name: policyName, document }, ctx.req.now);
    await k.invalidate(ctx, e, t);
  });
}

/** The entity and its inline policy `policyName`. */
export async function getInlinePolicy(ctx: AuthedContext, k: EntityKind, name: string, policyName: string): Promise<{ entity: Entity; policy: InlinePolicy }> {
  const e = await authorizedEntity(ctx, k, name, `iam:Get${k.Kind}Policy`);
  const p = await ctx.services.store.policies.getInline(k.kind, e.id, policyName);
  if (!p) throw notFound(k, policyName);
  return { entity: e, policy: p };
}

export async function deleteInlinePolicy(ctx: AuthedContext, k: EntityKind, name: string, policyName: string): Promise<void> {
  const e = await authorizedEntity(ctx, k, name, `iam:Delete${k.Kind}Policy`);
  ctx.audit.policyName = policyName;
  await ctx.services.store.tx(async (t) => {
    if (!(await t.policies.deleteInline(k.kind, e.id, policyName))) throw notFound(k, policyName);
    await k.invalidate(ctx, e, t);
  });
}

export interface ListInlineInput {
  Marker?: string;
  MaxItems?: number;
}

export interface ListInlineOutput {
  PolicyNames: string[];
  IsTruncated: boolean;
  Marker?: string;
}

export async function listInlinePolicies(ctx: AuthedContext, k: EntityKind, name: string, input: ListInlineInput): Promise<ListInlineOutput> {
  const maxItems = input.MaxItems ?? 100;
  const e = await authorizedEntity(ctx, k, name, `iam:List${k.Kind}Policies`);
  const rows = await ctx.services.store.policies.inlinePage(k.kind, e.id, { after: decodeMarker(input.Marker), limit: maxItems + 1 });
  const page = paginate(rows, { marker: input.Marker, maxItems }, inlinePolicySortKey);
  return { PolicyNames: page.items, IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
}
