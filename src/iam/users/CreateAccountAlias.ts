import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../authorize.js';
import { accountOf } from './shared.js';

/** One alias per account (a new one replaces the old, as in AWS); unique across the installation. */
export const CreateAccountAlias = defineOperation({
  service: 'iam',
  name: 'CreateAccountAlias',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorize(ctx, 'iam:CreateAccountAlias', '*');
    await ctx.services.store.tx(async (t) => {
      if ((await t.accounts.putAlias(accountOf(ctx), input.AccountAlias, ctx.req.now)) === 'exists') {
        throw Errors.entityAlreadyExists(`The account alias ${input.AccountAlias} already exists.`);
      }
    });
    ctx.audit.accountAlias = input.AccountAlias;
  },
});
