import { defineOperation } from '../../awsquery/operation.js';
import { authorizedOidc, readOidcArn } from './oidc-common.js';

export const DeleteOpenIDConnectProvider = defineOperation({
  service: 'iam',
  name: 'DeleteOpenIDConnectProvider',
  auth: 'sigv4',
  parse: (p) => ({ arn: readOidcArn(p) }),
  async run(ctx, input) {
    ctx.audit.providerArn = input.arn;
    await ctx.services.db.tx(async (c) => {
      await authorizedOidc(ctx, 'DeleteOpenIDConnectProvider', input.arn, { db: c, forUpdate: true });
      await c.query('DELETE FROM oidc_providers WHERE arn = $1', [input.arn]);
    });
    await ctx.services.invalidate({ kind: 'all' });
  },
});
