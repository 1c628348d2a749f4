import { Errors } from '../../errors/index.js';
import type { Input } from '../../awsquery/input.js';
import type { Queryable } from './shared.js';
import type { AuthedContext } from '../../awsquery/operation.js';
import { authorize, type ContextValue } from '../authorize.js';
import { arnFor, findRole, POLICY_ARN, type RoleRow } from './shared.js';

/** Inputs and checks shared by the role actions. */
export const readDescription = (p: Input) =>
  p.string('Description', { max: 1000, pattern: /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/, patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*' });

export const readMaxSessionDuration = (p: Input) => p.int('MaxSessionDuration', { min: 3600, max: 43200 });

/**
 * A permissions boundary must name an existing managed policy (own or AWS managed). Call it in
 * the transaction that sets the boundary: the policy row stays key-share locked until commit, so
 * a concurrent DeletePolicy (which locks the row FOR UPDATE, then counts boundary uses) either
 * waits and then sees this use, or deletes first and this finds no policy.
 */
export async function requireBoundaryPolicy(c: Queryable, accountId: string, arn: string): Promise<void> {
  if (!POLICY_ARN.test(arn)) throw Errors.invalidInput(`ARN ${arn} is not valid.`);
  const r = await c.query(`SELECT 1 FROM policies WHERE arn = $1 AND (account_id = $2 OR account_id IS NULL) FOR KEY SHARE`, [arn, accountId]);
  if (r.rowCount === 0) throw Errors.noSuchEntity(`Scope ARN: ${arn} does not exist or is not attachable.`);
}

/**
 * Authorize `action` on the named role, then return it. A role that does not exist is still
 * authorized (on `role/NAME`) before NoSuchEntity, so callers learn nothing they may not ask.
 */
export async function authorizedRole(ctx: AuthedContext, name: string, action: string, extra: Record<string, ContextValue> = {}): Promise<RoleRow> {
  let role: RoleRow;
  try {
    role = await findRole(ctx.services.db, ctx.caller.accountId, name);
  } catch (e) {
    await authorize(ctx, action, arnFor(ctx, `role/${name}`), extra);
    throw e;
  }
  await authorize(ctx, action, role.arn, extra);
  ctx.audit.roleArn = role.arn;
  return role;
}
