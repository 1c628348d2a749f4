import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../authorize.js';
import { noPasswordPolicy } from './GetAccountPasswordPolicy.js';
import { accountOf } from './shared.js';

export const DeleteAccountPasswordPolicy = defineOperation({
  service: 'iam',
  name: 'DeleteAccountPasswordPolicy',
  auth: 'sigv4',
  async run(ctx) {
    await authorize(ctx, 'iam:DeleteAccountPasswordPolicy', '*');
    const deleted = await ctx.services.store.tx((t) => t.accounts.deletePasswordPolicy(accountOf(ctx)));
    if (!deleted) throw noPasswordPolicy(accountOf(ctx));
  },
});
