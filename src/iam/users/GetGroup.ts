import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { readName, readPage } from '../common.js';
import { accountOf, findGroup, groupArn, pageOf, renderGroup, renderUser, type UserRow } from './shared.js';

export const GetGroup = defineOperation({
  service: 'iam',
  name: 'GetGroup',
  auth: 'sigv4',
  parse: (p) => ({ GroupName: readName(p, 'GroupName', 128)!, page: readPage(p) }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const g = await findGroup(db, accountOf(ctx), i.GroupName);
    await authorize(ctx, 'iam:GetGroup', groupArn(ctx, g.path, g.group_name));
    const r = await pageOf<UserRow>(
      db,
      {
        select: `SELECT u.user_id, u.account_id, u.user_name, u.path, u.is_root, u.permissions_boundary, u.created_at, u.password_last_used, u.tags
                   FROM group_members m JOIN users u ON u.user_id = m.user_id`,
        keySql: 'lower(u.user_name)',
        where: 'm.group_id = $1',
        params: [g.group_id],
      },
      i.page,
      (u) => u.user_name.toLowerCase(),
    );
    return { Group: renderGroup(ctx, g), Users: r.items.map((u) => renderUser(ctx, u)), IsTruncated: r.IsTruncated, Marker: r.Marker };
  },
  render: (o) => o,
});
