import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { accountOf } from './shared.js';

export const ListSAMLProviders = defineOperation({
  service: 'iam',
  name: 'ListSAMLProviders',
  auth: 'sigv4',
  parse: () => ({}),
  async run(ctx) {
    await authorize(ctx, 'iam:ListSAMLProviders', '*');
    const r = await ctx.services.db.query(
      'SELECT arn, valid_until, created_at FROM saml_providers WHERE account_id = $1 ORDER BY lower(name)',
      [accountOf(ctx)],
    );
    return r.rows.map((x) => ({ Arn: x.arn as string, ValidUntil: x.valid_until as Date, CreateDate: x.created_at as Date }));
  },
  render: (list) => ({ SAMLProviderList: list }),
});
