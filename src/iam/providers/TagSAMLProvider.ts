import { defineOperation } from '../../protocols/operation.js';
import { authorizedSaml } from './saml-common.js';
import { mergeTags, tagContext } from './shared.js';

export const TagSAMLProvider = defineOperation({
  service: 'iam',
  name: 'TagSAMLProvider',
  auth: 'sigv4',
  async run(ctx, input) {
    ctx.audit.providerArn = input.SAMLProviderArn;
    await ctx.services.store.tx(async (t) => {
      const p = await authorizedSaml(ctx, 'TagSAMLProvider', input.SAMLProviderArn, { repos: t, lock: true, extra: tagContext(input.Tags) });
      await t.providers.updateSamlTags(p.arn, mergeTags(p.tags, input.Tags, 'TagsPerSAMLProvider'));
    });
  },
});
