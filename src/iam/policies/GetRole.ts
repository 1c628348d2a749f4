import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../authorize.js';
import { arnFor } from './shared.js';
import { roleShape } from './role-shape.js';

export const GetRole = defineOperation({
  service: 'iam',
  name: 'GetRole',
  auth: 'sigv4',
  async run(ctx, input) {
    const role = await ctx.services.store.roles.get(ctx.caller.accountId, input.RoleName);
    if (!role) {
      // Authorized on the name first, so a caller learns nothing it may not ask.
      await authorize(ctx, 'iam:GetRole', arnFor(ctx, `role/${input.RoleName}`));
      throw Errors.noSuchEntity(`The role with name ${input.RoleName} cannot be found.`);
    }
    await authorize(ctx, 'iam:GetRole', role.arn);
    return { Role: roleShape(role, true) };
  },
});
