import { defineOperation } from '../../awsquery/operation.js';
import { authorizedOidc, checkThumbprints, readOidcArn, readThumbprints } from './oidc-common.js';

export const UpdateOpenIDConnectProviderThumbprint = defineOperation({
  service: 'iam',
  name: 'UpdateOpenIDConnectProviderThumbprint',
  auth: 'sigv4',
  parse: (p) => ({ arn: readOidcArn(p), thumbprints: readThumbprints(p, true) }),
  async run(ctx, input) {
    ctx.audit.providerArn = input.arn;
    await ctx.services.db.tx(async (c) => {
      await authorizedOidc(ctx, 'UpdateOpenIDConnectProviderThumbprint', input.arn, { db: c, forUpdate: true });
      const thumbprints = checkThumbprints(input.thumbprints);
      await c.query('UPDATE oidc_providers SET thumbprints = $2 WHERE arn = $1', [input.arn, thumbprints]);
    });
    await ctx.services.invalidate({ kind: 'all' });
  },
});
