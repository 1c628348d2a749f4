import { defineOperation } from '../../protocols/operation.js';
import { assertUniqueTagKeys } from '../common.js';
import { authorizedRole, lockedRole } from './role-common.js';
import { assertTagQuota, mergeTags, tagContext } from './shared.js';

export const TagRole = defineOperation({
  service: 'iam',
  name: 'TagRole',
  auth: 'sigv4',
  async run(ctx, input) {
    assertUniqueTagKeys(input.Tags);
    await authorizedRole(ctx, input.RoleName, 'iam:TagRole', tagContext(input.Tags));
    await ctx.services.store.tx(async (t) => {
      const role = await lockedRole(t, ctx.caller.accountId, input.RoleName);
      const tags = mergeTags(role.tags, input.Tags);
      assertTagQuota(tags);
      await t.roles.setTags(role.id, tags);
      await ctx.services.invalidate({ kind: 'principal', principalId: role.id }, t);
    });
  },
});
