import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../authorize.js';
import { accountOf } from './shared.js';

/** An account has at most one alias: one page, never truncated (Marker and MaxItems have nothing to page). */
export const ListAccountAliases = defineOperation({
  service: 'iam',
  name: 'ListAccountAliases',
  auth: 'sigv4',
  async run(ctx) {
    await authorize(ctx, 'iam:ListAccountAliases', '*');
    return { AccountAliases: await ctx.services.store.accounts.aliases(accountOf(ctx)), IsTruncated: false };
  },
});
