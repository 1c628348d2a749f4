import { defineOperation } from '../../awsquery/operation.js';
import { assertUniqueTagKeys, readName, readTags } from '../common.js';
import { authorize } from '../authorize.js';
import { accountOf, findUser, mergeTags, tagContext, userArn } from './shared.js';

export const TagUser = defineOperation({
  service: 'iam',
  name: 'TagUser',
  auth: 'sigv4',
  parse: (p) => ({ UserName: readName(p, 'UserName', 128)!, Tags: readTags(p) ?? [] }),
  run: async (ctx, i) => {
    assertUniqueTagKeys(i.Tags);
    const db = ctx.services.db;
    const found = await findUser(db, accountOf(ctx), i.UserName);
    await authorize(ctx, 'iam:TagUser', userArn(ctx, found.path, found.user_name), tagContext(i.Tags));
    await db.tx(async (c) => {
      const u = await findUser(c, accountOf(ctx), i.UserName, true);
      await c.query('UPDATE users SET tags = $2 WHERE user_id = $1', [u.user_id, JSON.stringify(mergeTags(u.tags, i.Tags, 'User'))]);
    });
    // aws:PrincipalTag/* of the user's callers change.
    await ctx.services.invalidate({ kind: 'principal', principalId: found.user_id });
    return {};
  },
});
