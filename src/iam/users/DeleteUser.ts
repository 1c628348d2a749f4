import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { rewriteAwsPrincipals } from '../../policy/index.js';
import type { Repositories } from '../../store/store.js';
import type { UserDependent } from '../../store/users.js';
import { authorize } from '../authorize.js';
import { namedUser, userArn } from './shared.js';

/** AWS refuses to delete a user that still has dependents, naming the first kind it finds. */
const CONFLICT: Record<UserDependent, string> = {
  inlinePolicies: 'Cannot delete entity, must delete policies first.',
  attachedPolicies: 'Cannot delete entity, must detach all policies first.',
  loginProfile: 'Cannot delete entity, must delete login profile first.',
  accessKeys: 'Cannot delete entity, must delete access keys first.',
  mfaDevices: 'Cannot delete entity, must delete MFA device first.',
  groups: 'Cannot delete entity, must remove users from group first.',
};

/**
 * In the deleting transaction: every trust policy bound to the user now shows its unique id in
 * place of the ARN, and loses the binding (the rule of iam/policies/trust-binding.ts
 * `unbindPrincipal`, through the users repository).
 */
async function unbindUser(t: Repositories, userId: string): Promise<void> {
  for (const b of await t.users.trustBindings(userId)) {
    const gone = new Set(Object.entries(b.trustPrincipals).filter(([, id]) => id === userId).map(([arn]) => arn));
    const trustPolicy = rewriteAwsPrincipals(b.trustPolicy, (v) => (gone.has(v) ? userId : undefined));
    const trustPrincipals = Object.fromEntries(Object.entries(b.trustPrincipals).filter(([arn]) => !gone.has(arn)));
    await t.users.unbindTrust(userId, { roleId: b.roleId, trustPolicy, trustPrincipals });
  }
}

export const DeleteUser = defineOperation({
  service: 'iam',
  name: 'DeleteUser',
  auth: 'sigv4',
  async run(ctx, input) {
    const found = await namedUser(ctx, ctx.services.store.users, input.UserName);
    await authorize(ctx, 'iam:DeleteUser', userArn(ctx, found.path, found.name));
    const userId = await ctx.services.store.tx(async (t) => {
      // Checked under the user's row lock, so nothing can be added between check and delete.
      const u = await namedUser(ctx, t.users, input.UserName, { lock: true });
      const dependent = await t.users.firstDependent(u.id);
      if (dependent) throw Errors.deleteConflict(CONFLICT[dependent]);
      const deleted = await t.users.delete(u.id);
      // A row referencing the user that the checks above do not know (foreign key without cascade).
      if (deleted === 'conflict') throw Errors.deleteConflict(CONFLICT.inlinePolicies);
      await unbindUser(t, u.id);
      await ctx.services.invalidate({ kind: 'principal', principalId: u.id }, t);
      return u.id;
    });
    ctx.audit.userId = userId;
  },
});
