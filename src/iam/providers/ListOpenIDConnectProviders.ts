import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { accountOf } from './shared.js';

export const ListOpenIDConnectProviders = defineOperation({
  service: 'iam',
  name: 'ListOpenIDConnectProviders',
  auth: 'sigv4',
  parse: () => ({}),
  async run(ctx) {
    await authorize(ctx, 'iam:ListOpenIDConnectProviders', '*');
    const r = await ctx.services.db.query('SELECT arn FROM oidc_providers WHERE account_id = $1 ORDER BY arn', [accountOf(ctx)]);
    return r.rows.map((x) => x.arn as string);
  },
  render: (arns) => ({ OpenIDConnectProviderList: arns.map((Arn) => ({ Arn })) }),
});
