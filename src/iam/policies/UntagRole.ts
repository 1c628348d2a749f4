import { defineOperation } from '../../protocols/operation.js';
import { authorizedRole, lockedRole } from './role-common.js';
import { removeTags } from './shared.js';

export const UntagRole = defineOperation({
  service: 'iam',
  name: 'UntagRole',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorizedRole(ctx, input.RoleName, 'iam:UntagRole', { 'aws:TagKeys': input.TagKeys });
    await ctx.services.store.tx(async (t) => {
      const role = await lockedRole(t, ctx.caller.accountId, input.RoleName);
      await t.roles.setTags(role.id, removeTags(role.tags, input.TagKeys));
      await ctx.services.invalidate({ kind: 'principal', principalId: role.id }, t);
    });
  },
});
