import type { AuthedContext } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import type { BoundaryHolder } from '../../store/managed-policies.js';
import { authorize, type ContextValue } from '../authorize.js';
import { arnFor } from './shared.js';
import { requireBoundaryPolicy } from './role-common.js';

/** What Put/Delete{User,Role}PermissionsBoundary share (each action has its own file). */

const notFound = (kind: 'user' | 'role', name: string) => Errors.noSuchEntity(`The ${kind} with name ${name} cannot be found.`);

/** Authorize `action` on the user or role (on `kind/NAME` when it does not exist, before NoSuchEntity). */
async function authorizedHolder(ctx: AuthedContext, kind: 'user' | 'role', name: string, action: string, extra: Record<string, ContextValue> = {}): Promise<BoundaryHolder> {
  const h = await ctx.services.store.managedPolicies.boundaryHolder(ctx.caller.accountId, kind, name);
  if (!h) {
    await authorize(ctx, action, arnFor(ctx, `${kind}/${name}`), extra);
    throw notFound(kind, name);
  }
  const arn = arnFor(ctx, `${kind}${h.path}${h.name}`);
  await authorize(ctx, action, arn, extra);
  ctx.audit[`${kind}Arn`] = arn;
  return h;
}

export async function putBoundary(ctx: AuthedContext, kind: 'user' | 'role', name: string, policyArn: string): Promise<void> {
  const Kind = kind === 'user' ? 'User' : 'Role';
  const h = await authorizedHolder(ctx, kind, name, `iam:Put${Kind}PermissionsBoundary`, { 'iam:PermissionsBoundary': policyArn });
  ctx.audit.permissionsBoundary = policyArn;
  await ctx.services.store.tx(async (t) => {
    // Key-shares the policy row until commit (the race with DeletePolicy: store/managed-policies.ts).
    await requireBoundaryPolicy(t, ctx.caller.accountId, policyArn);
    if (!(await t.managedPolicies.setBoundary(h, policyArn))) throw notFound(kind, name);
    await ctx.services.invalidate({ kind: 'principal', principalId: h.id }, t);
  });
}

export async function deleteBoundary(ctx: AuthedContext, kind: 'user' | 'role', name: string): Promise<void> {
  const Kind = kind === 'user' ? 'User' : 'Role';
  const h = await authorizedHolder(ctx, kind, name, `iam:Delete${Kind}PermissionsBoundary`);
  await ctx.services.store.tx(async (t) => {
    if (!(await t.managedPolicies.setBoundary(h, null))) throw notFound(kind, name);
    await ctx.services.invalidate({ kind: 'principal', principalId: h.id }, t);
  });
}
