import { defineOperation } from '../../awsquery/operation.js';
import { readTags } from '../common.js';
import { authorizedOidc, readOidcArn } from './oidc-common.js';
import { mergeTags, tagContext } from './shared.js';

export const TagOpenIDConnectProvider = defineOperation({
  service: 'iam',
  name: 'TagOpenIDConnectProvider',
  auth: 'sigv4',
  parse: (p) => ({ arn: readOidcArn(p), tags: readTags(p) ?? (p.fail('Tags', null, 'Member must not be null'), []) }),
  async run(ctx, input) {
    ctx.audit.providerArn = input.arn;
    await ctx.services.db.tx(async (c) => {
      const p = await authorizedOidc(ctx, 'TagOpenIDConnectProvider', input.arn, { db: c, forUpdate: true, extra: tagContext(input.tags) });
      const tags = mergeTags(p.tags, input.tags, 'TagsPerOpenIdConnectProvider');
      await c.query('UPDATE oidc_providers SET tags = $2 WHERE arn = $1', [input.arn, JSON.stringify(tags)]);
    });
  },
});
