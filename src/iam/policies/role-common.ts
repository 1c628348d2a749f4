import { Errors } from '../../errors/index.js';
import type { AuthedContext } from '../../protocols/operation.js';
import type { Repositories } from '../../store/store.js';
import type { Role } from '../../store/roles.js';
import { authorize, type ContextValue } from '../authorize.js';
import { arnFor, POLICY_ARN } from './shared.js';

/** Checks shared by the role (and boundary) actions. */

export const noSuchRole = (name: string) => Errors.noSuchEntity(`The role with name ${name} cannot be found.`);

/**
 * A permissions boundary must name an existing managed policy (own or AWS managed). Call it in
 * the transaction that sets the boundary (`t`): the policy row stays key-share locked until
 * commit, so a concurrent DeletePolicy (which locks the row FOR UPDATE, then counts boundary
 * uses) either waits and then sees this use, or deletes first and this finds no policy.
 */
export async function requireBoundaryPolicy(t: Pick<Repositories, 'managedPolicies'>, accountId: string, arn: string): Promise<void> {
  if (!POLICY_ARN.test(arn)) throw Errors.invalidInput(`ARN ${arn} is not valid.`);
  if (!(await t.managedPolicies.keyShareForBoundary(accountId, arn))) throw Errors.noSuchEntity(`Scope ARN: ${arn} does not exist or is not attachable.`);
}

/**
 * Authorize `action` on the named role, then return it. A role that does not exist is still
 * authorized (on `role/NAME`) before NoSuchEntity, so callers learn nothing they may not ask.
 */
export async function authorizedRole(ctx: AuthedContext, name: string, action: string, extra: Record<string, ContextValue> = {}): Promise<Role> {
  const role = await ctx.services.store.roles.get(ctx.caller.accountId, name);
  if (!role) {
    await authorize(ctx, action, arnFor(ctx, `role/${name}`), extra);
    throw noSuchRole(name);
  }
  await authorize(ctx, action, role.arn, extra);
  ctx.audit.roleArn = role.arn;
  return role;
}

/** The role again, locked FOR UPDATE, in transaction `t` (NoSuchEntity if it went meanwhile). */
export async function lockedRole(t: Pick<Repositories, 'roles'>, accountId: string, name: string): Promise<Role> {
  const role = await t.roles.get(accountId, name, { lock: true });
  if (!role) throw noSuchRole(name);
  return role;
}
