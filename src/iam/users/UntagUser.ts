import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../authorize.js';
import { namedUser, removeTags, userArn } from './shared.js';

export const UntagUser = defineOperation({
  service: 'iam',
  name: 'UntagUser',
  auth: 'sigv4',
  async run(ctx, input) {
    const found = await namedUser(ctx, ctx.services.store.users, input.UserName);
    await authorize(ctx, 'iam:UntagUser', userArn(ctx, found.path, found.name), { 'aws:TagKeys': input.TagKeys });
    await ctx.services.store.tx(async (t) => {
      const u = await namedUser(ctx, t.users, input.UserName, { lock: true });
      await t.users.setTags(u.id, removeTags(u.tags, input.TagKeys));
      await ctx.services.invalidate({ kind: 'principal', principalId: u.id }, t);
    });
  },
});
