import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../authorize.js';

/** Not paged in AWS's API: an account has at most 100 OIDC providers (the quota). */
export const ListOpenIDConnectProviders = defineOperation({
  service: 'iam',
  name: 'ListOpenIDConnectProviders',
  auth: 'sigv4',
  async run(ctx) {
    await authorize(ctx, 'iam:ListOpenIDConnectProviders', '*');
    const arns = await ctx.services.store.providers.listOidcArns(ctx.caller.accountId);
    return { OpenIDConnectProviderList: arns.map((Arn) => ({ Arn })) };
  },
});
