import type { AuthedContext } from '../../awsquery/operation.js';
import { authorize, type ContextValue } from '../authorize.js';
import { findOwnPolicy, findPolicy, type PolicyRow } from './shared.js';

/** Authorize `action` on the policy ARN, then load it (own policies only when `own`). */
export async function authorizedPolicy(
  ctx: AuthedContext,
  arn: string,
  action: string,
  opts: { own?: boolean; extra?: Record<string, ContextValue> } = {},
): Promise<PolicyRow> {
  await authorize(ctx, action, arn, opts.extra ?? {});
  ctx.audit.policyArn = arn;
  return opts.own ? findOwnPolicy(ctx.services.db, ctx.caller.accountId, arn) : findPolicy(ctx.services.db, ctx.caller.accountId, arn);
}
