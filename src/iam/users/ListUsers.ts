import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { readPage, readPathPrefix } from '../common.js';
import { accountOf, arnFor, pageOf, renderUser, type UserRow } from './shared.js';

export const ListUsers = defineOperation({
  service: 'iam',
  name: 'ListUsers',
  auth: 'sigv4',
  parse: (p) => ({ PathPrefix: readPathPrefix(p) ?? '/', page: readPage(p) }),
  run: async (ctx, i) => {
    await authorize(ctx, 'iam:ListUsers', arnFor(ctx, `user${i.PathPrefix}`));
    const r = await pageOf<UserRow>(
      ctx.services.db,
      {
        select: 'SELECT user_id, account_id, user_name, path, is_root, permissions_boundary, created_at, password_last_used, tags FROM users',
        keySql: 'lower(user_name)',
        where: `account_id = $1 AND NOT is_root AND starts_with(path, $2)`,
        params: [accountOf(ctx), i.PathPrefix],
      },
      i.page,
      (u) => u.user_name.toLowerCase(),
    );
    return { Users: r.items.map((u) => renderUser(ctx, u)), IsTruncated: r.IsTruncated, Marker: r.Marker };
  },
  render: (o) => o,
});
