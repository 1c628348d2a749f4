import { defineOperation } from '../../protocols/operation.js';
import { authorizedRole, noSuchRole } from './role-common.js';
import { roleShape } from './role-shape.js';

export const UpdateRoleDescription = defineOperation({
  service: 'iam',
  name: 'UpdateRoleDescription',
  auth: 'sigv4',
  async run(ctx, input) {
    const role = await authorizedRole(ctx, input.RoleName, 'iam:UpdateRoleDescription');
    const updated = await ctx.services.store.tx((t) => t.roles.update(role.id, { description: input.Description }));
    if (!updated) throw noSuchRole(input.RoleName);
    return { Role: roleShape(updated, true) };
  },
});
