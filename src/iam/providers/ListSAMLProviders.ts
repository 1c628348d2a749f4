import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../authorize.js';

/** Not paged in AWS's API: an account has at most 100 SAML providers (the quota). */
export const ListSAMLProviders = defineOperation({
  service: 'iam',
  name: 'ListSAMLProviders',
  auth: 'sigv4',
  async run(ctx) {
    await authorize(ctx, 'iam:ListSAMLProviders', '*');
    const list = await ctx.services.store.providers.listSaml(ctx.caller.accountId);
    return { SAMLProviderList: list.map((p) => ({ Arn: p.arn, ValidUntil: p.validUntil, CreateDate: p.createdAt })) };
  },
});
