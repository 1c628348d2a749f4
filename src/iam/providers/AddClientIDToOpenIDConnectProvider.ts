import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorizedOidc } from './oidc-common.js';
import { CLIENT_IDS_PER_OIDC_PROVIDER } from './shared.js';

export const AddClientIDToOpenIDConnectProvider = defineOperation({
  service: 'iam',
  name: 'AddClientIDToOpenIDConnectProvider',
  auth: 'sigv4',
  async run(ctx, input) {
    const arn = input.OpenIDConnectProviderArn;
    ctx.audit.providerArn = arn;
    await ctx.services.store.tx(async (t) => {
      const p = await authorizedOidc(ctx, 'AddClientIDToOpenIDConnectProvider', arn, { repos: t, lock: true });
      if (p.clientIds.includes(input.ClientID)) return;
      if (p.clientIds.length >= CLIENT_IDS_PER_OIDC_PROVIDER) {
        throw Errors.limitExceeded(`Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${CLIENT_IDS_PER_OIDC_PROVIDER}`);
      }
      await t.providers.updateOidc(arn, { clientIds: [...p.clientIds, input.ClientID] });
      await ctx.services.invalidate({ kind: 'all' }, t);
    });
  },
});
