import { defineOperation } from '../../protocols/operation.js';
import { authorizedOidc } from './oidc-common.js';

export const RemoveClientIDFromOpenIDConnectProvider = defineOperation({
  service: 'iam',
  name: 'RemoveClientIDFromOpenIDConnectProvider',
  auth: 'sigv4',
  async run(ctx, input) {
    const arn = input.OpenIDConnectProviderArn;
    ctx.audit.providerArn = arn;
    await ctx.services.store.tx(async (t) => {
      const p = await authorizedOidc(ctx, 'RemoveClientIDFromOpenIDConnectProvider', arn, { repos: t, lock: true });
      await t.providers.updateOidc(arn, { clientIds: p.clientIds.filter((c) => c !== input.ClientID) });
      await ctx.services.invalidate({ kind: 'all' }, t);
    });
  },
});
