import { defineOperation } from '../../protocols/operation.js';
import { authorizedSaml } from './saml-common.js';

export const DeleteSAMLProvider = defineOperation({
  service: 'iam',
  name: 'DeleteSAMLProvider',
  auth: 'sigv4',
  async run(ctx, input) {
    ctx.audit.providerArn = input.SAMLProviderArn;
    await ctx.services.store.tx(async (t) => {
      const p = await authorizedSaml(ctx, 'DeleteSAMLProvider', input.SAMLProviderArn, { repos: t, lock: true });
      await t.providers.deleteSaml(p.arn);
      await ctx.services.invalidate({ kind: 'all' }, t);
    });
  },
});
