import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { noPasswordPolicy } from './GetAccountPasswordPolicy.js';
import { accountOf } from './shared.js';

export const DeleteAccountPasswordPolicy = defineOperation({
  service: 'iam',
  name: 'DeleteAccountPasswordPolicy',
  auth: 'sigv4',
  parse: () => ({}),
  run: async (ctx) => {
    await authorize(ctx, 'iam:DeleteAccountPasswordPolicy', '*');
    const r = await ctx.services.db.tx((c) => c.query('DELETE FROM account_password_policy WHERE account_id = $1', [accountOf(ctx)]));
    if (r.rowCount === 0) throw noPasswordPolicy(accountOf(ctx));
    return {};
  },
});
