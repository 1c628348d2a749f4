import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../authorize.js';
import { readAlias } from './aliases.js';
import { accountOf } from './shared.js';

export const DeleteAccountAlias = defineOperation({
  service: 'iam',
  name: 'DeleteAccountAlias',
  auth: 'sigv4',
  parse: (p) => ({ AccountAlias: readAlias(p) }),
  run: async (ctx, i) => {
    await authorize(ctx, 'iam:DeleteAccountAlias', '*');
    const r = await ctx.services.db.tx((c) =>
      c.query('DELETE FROM account_aliases WHERE account_id = $1 AND alias = $2', [accountOf(ctx), i.AccountAlias]),
    );
    if (r.rowCount === 0) throw Errors.noSuchEntity(`The account alias ${i.AccountAlias} cannot be found.`);
    ctx.audit.accountAlias = i.AccountAlias;
    return {};
  },
});
