import { defineOperation } from '../../awsquery/operation.js';
import { readTagKeys } from '../common.js';
import { authorizedOidc, readOidcArn } from './oidc-common.js';
import { removeTags, tagContext } from './shared.js';

export const UntagOpenIDConnectProvider = defineOperation({
  service: 'iam',
  name: 'UntagOpenIDConnectProvider',
  auth: 'sigv4',
  parse: (p) => ({ arn: readOidcArn(p), keys: readTagKeys(p) ?? [] }),
  async run(ctx, input) {
    ctx.audit.providerArn = input.arn;
    await ctx.services.db.tx(async (c) => {
      const p = await authorizedOidc(ctx, 'UntagOpenIDConnectProvider', input.arn, { db: c, forUpdate: true, extra: tagContext(undefined, input.keys) });
      await c.query('UPDATE oidc_providers SET tags = $2 WHERE arn = $1', [input.arn, JSON.stringify(removeTags(p.tags, input.keys))]);
    });
  },
});
