import { defineOperation } from '../../protocols/operation.js';
import { authorizedRole, noSuchRole } from './role-common.js';
import { checkTrustSize, validateDocument } from './shared.js';
import { bindTrustPrincipals } from './trust-binding.js';

export const UpdateAssumeRolePolicy = defineOperation({
  service: 'iam',
  name: 'UpdateAssumeRolePolicy',
  auth: 'sigv4',
  async run(ctx, input) {
    const role = await authorizedRole(ctx, input.RoleName, 'iam:UpdateAssumeRolePolicy');
    checkTrustSize(input.PolicyDocument);
    validateDocument(input.PolicyDocument, 'trust');
    await ctx.services.store.tx(async (t) => {
      // The principals the policy names first (key share), then the role (no-key update): the
      // order DeleteRole/DeleteUser lock in (the deleted principal, then the roles bound to it).
      // Locking the role first deadlocked with a DeleteRole of a principal it names.
      const principals = await bindTrustPrincipals(t.roles, ctx.services.config.partition, input.PolicyDocument);
      if (!(await t.roles.lockForTrustChange(role.id))) throw noSuchRole(input.RoleName);
      await t.roles.setTrustPolicy(role.id, input.PolicyDocument, principals);
      await ctx.services.invalidate({ kind: 'principal', principalId: role.id }, t);
    });
  },
});
