import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorizedRole, lockedRole } from './role-common.js';
import { unbindPrincipal } from './trust-binding.js';

export const DeleteRole = defineOperation({
  service: 'iam',
  name: 'DeleteRole',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorizedRole(ctx, input.RoleName, 'iam:DeleteRole');
    await ctx.services.store.tx(async (t) => {
      // The role first (FOR UPDATE), then the roles whose trust policies are bound to it (store/roles.ts lock order).
      const role = await lockedRole(t, ctx.caller.accountId, input.RoleName);
      // Tessera has no instance profiles, so that DeleteConflict cannot arise.
      const d = await t.roles.dependents(role.id);
      if (d.attached > 0) throw Errors.deleteConflict('Cannot delete entity, must detach all policies first.');
      if (d.inline > 0) throw Errors.deleteConflict('Cannot delete entity, must delete policies first.');
      await t.roles.delete(role.id);
      await unbindPrincipal(t.roles, role.id);
      await ctx.services.invalidate({ kind: 'principal', principalId: role.id }, t);
    });
  },
});
