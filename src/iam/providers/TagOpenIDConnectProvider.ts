import { defineOperation } from '../../protocols/operation.js';
import { authorizedOidc } from './oidc-common.js';
import { mergeTags, tagContext } from './shared.js';

export const TagOpenIDConnectProvider = defineOperation({
  service: 'iam',
  name: 'TagOpenIDConnectProvider',
  auth: 'sigv4',
  async run(ctx, input) {
    const arn = input.OpenIDConnectProviderArn;
    ctx.audit.providerArn = arn;
    await ctx.services.store.tx(async (t) => {
      const p = await authorizedOidc(ctx, 'TagOpenIDConnectProvider', arn, { repos: t, lock: true, extra: tagContext(input.Tags) });
      await t.providers.updateOidc(arn, { tags: mergeTags(p.tags, input.Tags, 'TagsPerOpenIdConnectProvider') });
    });
  },
});
