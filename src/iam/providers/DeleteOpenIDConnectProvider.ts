import { defineOperation } from '../../protocols/operation.js';
import { authorizedOidc } from './oidc-common.js';

export const DeleteOpenIDConnectProvider = defineOperation({
  service: 'iam',
  name: 'DeleteOpenIDConnectProvider',
  auth: 'sigv4',
  async run(ctx, input) {
    const arn = input.OpenIDConnectProviderArn;
    ctx.audit.providerArn = arn;
    await ctx.services.store.tx(async (t) => {
      await authorizedOidc(ctx, 'DeleteOpenIDConnectProvider', arn, { repos: t, lock: true });
      await t.providers.deleteOidc(arn);
      await ctx.services.invalidate({ kind: 'all' }, t);
    });
  },
});
