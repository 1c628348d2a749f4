import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { authorizedOidc, readClientId, readOidcArn } from './oidc-common.js';
import { CLIENT_IDS_PER_OIDC_PROVIDER } from './shared.js';

export const AddClientIDToOpenIDConnectProvider = defineOperation({
  service: 'iam',
  name: 'AddClientIDToOpenIDConnectProvider',
  auth: 'sigv4',
  parse: (p) => ({ arn: readOidcArn(p), clientId: readClientId(p, 'ClientID') }),
  async run(ctx, input) {
    ctx.audit.providerArn = input.arn;
    await ctx.services.db.tx(async (c) => {
      const p = await authorizedOidc(ctx, 'AddClientIDToOpenIDConnectProvider', input.arn, { db: c, forUpdate: true });
      if (p.clientIds.includes(input.clientId)) return;
      if (p.clientIds.length >= CLIENT_IDS_PER_OIDC_PROVIDER) {
        throw Errors.limitExceeded(`Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${CLIENT_IDS_PER_OIDC_PROVIDER}`);
      }
      await c.query('UPDATE oidc_providers SET client_ids = array_append(client_ids, $2) WHERE arn = $1', [input.arn, input.clientId]);
    });
    await ctx.services.invalidate({ kind: 'all' });
  },
});
