import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../authorize.js';
import { accountOf } from './shared.js';

export const DeleteAccountAlias = defineOperation({
  service: 'iam',
  name: 'DeleteAccountAlias',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorize(ctx, 'iam:DeleteAccountAlias', '*');
    const deleted = await ctx.services.store.tx((t) => t.accounts.deleteAlias(accountOf(ctx), input.AccountAlias));
    if (!deleted) throw Errors.noSuchEntity(`The account alias ${input.AccountAlias} cannot be found.`);
    ctx.audit.accountAlias = input.AccountAlias;
  },
});
