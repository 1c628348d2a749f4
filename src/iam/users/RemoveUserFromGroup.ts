import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { readName } from '../common.js';
import { accountOf, findGroup, findUser, groupArn, noSuchUser } from './shared.js';

export const RemoveUserFromGroup = defineOperation({
  service: 'iam',
  name: 'RemoveUserFromGroup',
  auth: 'sigv4',
  parse: (p) => ({ GroupName: readName(p, 'GroupName', 128)!, UserName: readName(p, 'UserName', 128)! }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const g = await findGroup(db, accountOf(ctx), i.GroupName);
    await authorize(ctx, 'iam:RemoveUserFromGroup', groupArn(ctx, g.path, g.group_name));
    const u = await findUser(db, accountOf(ctx), i.UserName);
    const r = await db.tx((c) => c.query('DELETE FROM group_members WHERE group_id = $1 AND user_id = $2', [g.group_id, u.user_id]));
    if (r.rowCount === 0) throw noSuchUser(i.UserName);
    ctx.audit.groupId = g.group_id;
    ctx.audit.userId = u.user_id;
    await ctx.services.invalidate({ kind: 'principal', principalId: u.user_id });
    return {};
  },
});
