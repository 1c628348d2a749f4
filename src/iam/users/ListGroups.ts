import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { readPage, readPathPrefix } from '../common.js';
import { accountOf, arnFor, pageOf, renderGroup, type GroupRow } from './shared.js';

export const ListGroups = defineOperation({
  service: 'iam',
  name: 'ListGroups',
  auth: 'sigv4',
  parse: (p) => ({ PathPrefix: readPathPrefix(p) ?? '/', page: readPage(p) }),
  run: async (ctx, i) => {
    await authorize(ctx, 'iam:ListGroups', arnFor(ctx, `group${i.PathPrefix}`));
    const r = await pageOf<GroupRow>(
      ctx.services.db,
      {
        select: 'SELECT group_id, account_id, group_name, path, created_at FROM groups',
        keySql: 'lower(group_name)',
        where: 'account_id = $1 AND starts_with(path, $2)',
        params: [accountOf(ctx), i.PathPrefix],
      },
      i.page,
      (g) => g.group_name.toLowerCase(),
    );
    return { Groups: r.items.map((g) => renderGroup(ctx, g)), IsTruncated: r.IsTruncated, Marker: r.Marker };
  },
  render: (o) => o,
});
