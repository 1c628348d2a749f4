import { defineOperation } from '../../awsquery/operation.js';
import { readName, readTagKeys } from '../common.js';
import { authorize } from '../authorize.js';
import { accountOf, findUser, removeTags, userArn } from './shared.js';

export const UntagUser = defineOperation({
  service: 'iam',
  name: 'UntagUser',
  auth: 'sigv4',
  parse: (p) => ({ UserName: readName(p, 'UserName', 128)!, TagKeys: readTagKeys(p) ?? [] }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const found = await findUser(db, accountOf(ctx), i.UserName);
    await authorize(ctx, 'iam:UntagUser', userArn(ctx, found.path, found.user_name), { 'aws:TagKeys': i.TagKeys });
    await db.tx(async (c) => {
      const u = await findUser(c, accountOf(ctx), i.UserName, true);
      await c.query('UPDATE users SET tags = $2 WHERE user_id = $1', [u.user_id, JSON.stringify(removeTags(u.tags, i.TagKeys))]);
    });
    await ctx.services.invalidate({ kind: 'principal', principalId: found.user_id });
    return {};
  },
});
