import { defineOperation } from '../../protocols/operation.js';
import { authorizedSaml } from './saml-common.js';
import { removeTags, tagContext } from './shared.js';

export const UntagSAMLProvider = defineOperation({
  service: 'iam',
  name: 'UntagSAMLProvider',
  auth: 'sigv4',
  async run(ctx, input) {
    ctx.audit.providerArn = input.SAMLProviderArn;
    await ctx.services.store.tx(async (t) => {
      const p = await authorizedSaml(ctx, 'UntagSAMLProvider', input.SAMLProviderArn, { repos: t, lock: true, extra: tagContext(undefined, input.TagKeys) });
      await t.providers.updateSamlTags(p.arn, removeTags(p.tags, input.TagKeys));
    });
  },
});
