import { defineOperation } from '../../protocols/operation.js';
import { authorizedRole, noSuchRole } from './role-common.js';

export const UpdateRole = defineOperation({
  service: 'iam',
  name: 'UpdateRole',
  auth: 'sigv4',
  async run(ctx, input) {
    const role = await authorizedRole(ctx, input.RoleName, 'iam:UpdateRole');
    await ctx.services.store.tx(async (t) => {
      const changes = {
        ...(input.Description !== undefined ? { description: input.Description } : {}),
        ...(input.MaxSessionDuration !== undefined ? { maxSessionDuration: input.MaxSessionDuration } : {}),
      };
      if (!(await t.roles.update(role.id, changes))) throw noSuchRole(input.RoleName);
      await ctx.services.invalidate({ kind: 'principal', principalId: role.id }, t);
    });
    return {};
  },
});
