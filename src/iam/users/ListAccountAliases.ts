import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { readPage } from '../common.js';
import { accountOf } from './shared.js';

export const ListAccountAliases = defineOperation({
  service: 'iam',
  name: 'ListAccountAliases',
  auth: 'sigv4',
  parse: (p) => ({ page: readPage(p) }),
  run: async (ctx) => {
    await authorize(ctx, 'iam:ListAccountAliases', '*');
    const r = await ctx.services.db.query<{ alias: string }>('SELECT alias FROM account_aliases WHERE account_id = $1', [accountOf(ctx)]);
    return { AccountAliases: r.rows.map((x) => x.alias), IsTruncated: false };
  },
  render: (o) => o,
});
