import { defineOperation } from '../../protocols/operation.js';
import { authorizedOidc } from './oidc-common.js';
import { removeTags, tagContext } from './shared.js';

export const UntagOpenIDConnectProvider = defineOperation({
  service: 'iam',
  name: 'UntagOpenIDConnectProvider',
  auth: 'sigv4',
  async run(ctx, input) {
    const arn = input.OpenIDConnectProviderArn;
    ctx.audit.providerArn = arn;
    await ctx.services.store.tx(async (t) => {
      const p = await authorizedOidc(ctx, 'UntagOpenIDConnectProvider', arn, { repos: t, lock: true, extra: tagContext(undefined, input.TagKeys) });
      await t.providers.updateOidc(arn, { tags: removeTags(p.tags, input.TagKeys) });
    });
  },
});
