import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../authorize.js';
import { readName } from '../common.js';
import { accountOf, findGroup, findUser, groupArn } from './shared.js';

export const GROUPS_PER_USER = 10;

export const AddUserToGroup = defineOperation({
  service: 'iam',
  name: 'AddUserToGroup',
  auth: 'sigv4',
  parse: (p) => ({ GroupName: readName(p, 'GroupName', 128)!, UserName: readName(p, 'UserName', 128)! }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const g = await findGroup(db, accountOf(ctx), i.GroupName);
    await authorize(ctx, 'iam:AddUserToGroup', groupArn(ctx, g.path, g.group_name));
    const userId = await db.tx(async (c) => {
      const grp = await findGroup(c, accountOf(ctx), i.GroupName, true);
      // The user's row lock serialises concurrent adds, so the quota holds.
      const u = await findUser(c, accountOf(ctx), i.UserName, true);
      const r = await c.query<{ n: number; member: boolean }>(
        'SELECT count(*)::int AS n, bool_or(group_id = $2) AS member FROM group_members WHERE user_id = $1',
        [u.user_id, grp.group_id],
      );
      const { n, member } = r.rows[0]!;
      if (member) return u.user_id;
      if (n >= GROUPS_PER_USER) throw Errors.limitExceeded(`Cannot exceed quota for GroupsPerUser: ${GROUPS_PER_USER}`);
      await c.query('INSERT INTO group_members (group_id, user_id, added_at) VALUES ($1, $2, $3)', [grp.group_id, u.user_id, ctx.req.now]);
      return u.user_id;
    });
    ctx.audit.groupId = g.group_id;
    ctx.audit.userId = userId;
    await ctx.services.invalidate({ kind: 'principal', principalId: userId });
    return {};
  },
});
