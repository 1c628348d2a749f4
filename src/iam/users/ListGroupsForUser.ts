import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { readName, readPage } from '../common.js';
import { accountOf, findUser, pageOf, renderGroup, userArn, type GroupRow } from './shared.js';

export const ListGroupsForUser = defineOperation({
  service: 'iam',
  name: 'ListGroupsForUser',
  auth: 'sigv4',
  parse: (p) => ({ UserName: readName(p, 'UserName', 128)!, page: readPage(p) }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const u = await findUser(db, accountOf(ctx), i.UserName);
    await authorize(ctx, 'iam:ListGroupsForUser', userArn(ctx, u.path, u.user_name));
    const r = await pageOf<GroupRow>(
      db,
      {
        select: 'SELECT g.group_id, g.account_id, g.group_name, g.path, g.created_at FROM group_members m JOIN groups g ON g.group_id = m.group_id',
        keySql: 'lower(g.group_name)',
        where: 'm.user_id = $1',
        params: [u.user_id],
      },
      i.page,
      (g) => g.group_name.toLowerCase(),
    );
    return { Groups: r.items.map((g) => renderGroup(ctx, g)), IsTruncated: r.IsTruncated, Marker: r.Marker };
  },
  render: (o) => o,
});
