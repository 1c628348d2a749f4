import { defineOperation } from '../../protocols/operation.js';
import { authorizedOidc, checkThumbprints } from './oidc-common.js';

export const UpdateOpenIDConnectProviderThumbprint = defineOperation({
  service: 'iam',
  name: 'UpdateOpenIDConnectProviderThumbprint',
  auth: 'sigv4',
  async run(ctx, input) {
    const arn = input.OpenIDConnectProviderArn;
    ctx.audit.providerArn = arn;
    await ctx.services.store.tx(async (t) => {
      await authorizedOidc(ctx, 'UpdateOpenIDConnectProviderThumbprint', arn, { repos: t, lock: true });
      await t.providers.updateOidc(arn, { thumbprints: checkThumbprints(input.ThumbprintList) });
      await ctx.services.invalidate({ kind: 'all' }, t);
    });
  },
});
