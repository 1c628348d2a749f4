import { defineOperation } from '../../awsquery/operation.js';
import { readTagKeys } from '../common.js';
import { authorizedSaml, readSamlArn } from './saml-common.js';
import { removeTags, tagContext } from './shared.js';

export const UntagSAMLProvider = defineOperation({
  service: 'iam',
  name: 'UntagSAMLProvider',
  auth: 'sigv4',
  parse: (p) => ({ arn: readSamlArn(p), keys: readTagKeys(p) ?? [] }),
  async run(ctx, input) {
    ctx.audit.providerArn = input.arn;
    await ctx.services.db.tx(async (c) => {
      const p = await authorizedSaml(ctx, 'UntagSAMLProvider', input.arn, { db: c, forUpdate: true, extra: tagContext(undefined, input.keys) });
      await c.query('UPDATE saml_providers SET tags = $2 WHERE arn = $1', [p.arn, JSON.stringify(removeTags(p.tags, input.keys))]);
    });
  },
});
