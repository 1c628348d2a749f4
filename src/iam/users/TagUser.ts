import { defineOperation } from '../../protocols/operation.js';
import { assertUniqueTagKeys } from '../common.js';
import { authorize } from '../authorize.js';
import { mergeTags, namedUser, tagContext, userArn } from './shared.js';

export const TagUser = defineOperation({
  service: 'iam',
  name: 'TagUser',
  auth: 'sigv4',
  async run(ctx, input) {
    assertUniqueTagKeys(input.Tags);
    const found = await namedUser(ctx, ctx.services.store.users, input.UserName);
    await authorize(ctx, 'iam:TagUser', userArn(ctx, found.path, found.name), tagContext(input.Tags));
    await ctx.services.store.tx(async (t) => {
      const u = await namedUser(ctx, t.users, input.UserName, { lock: true });
      await t.users.setTags(u.id, mergeTags(u.tags, input.Tags, 'User'));
      // aws:PrincipalTag/* of the user's callers change.
      await ctx.services.invalidate({ kind: 'principal', principalId: u.id }, t);
    });
  },
});
