import { defineOperation } from '../../awsquery/operation.js';
import { authorizedOidc, readClientId, readOidcArn } from './oidc-common.js';

export const RemoveClientIDFromOpenIDConnectProvider = defineOperation({
  service: 'iam',
  name: 'RemoveClientIDFromOpenIDConnectProvider',
  auth: 'sigv4',
  parse: (p) => ({ arn: readOidcArn(p), clientId: readClientId(p, 'ClientID') }),
  async run(ctx, input) {
    ctx.audit.providerArn = input.arn;
    await ctx.services.db.tx(async (c) => {
      await authorizedOidc(ctx, 'RemoveClientIDFromOpenIDConnectProvider', input.arn, { db: c, forUpdate: true });
      await c.query('UPDATE oidc_providers SET client_ids = array_remove(client_ids, $2) WHERE arn = $1', [input.arn, input.clientId]);
    });
    await ctx.services.invalidate({ kind: 'all' });
  },
});
