import { defineOperation } from '../../awsquery/operation.js';
import { readTags } from '../common.js';
import { authorizedSaml, readSamlArn } from './saml-common.js';
import { mergeTags, tagContext } from './shared.js';

export const TagSAMLProvider = defineOperation({
  service: 'iam',
  name: 'TagSAMLProvider',
  auth: 'sigv4',
  parse: (p) => ({ arn: readSamlArn(p), tags: readTags(p) ?? (p.fail('Tags', null, 'Member must not be null'), []) }),
  async run(ctx, input) {
    ctx.audit.providerArn = input.arn;
    await ctx.services.db.tx(async (c) => {
      const p = await authorizedSaml(ctx, 'TagSAMLProvider', input.arn, { db: c, forUpdate: true, extra: tagContext(input.tags) });
      const tags = mergeTags(p.tags, input.tags, 'TagsPerSAMLProvider');
      await c.query('UPDATE saml_providers SET tags = $2 WHERE arn = $1', [p.arn, JSON.stringify(tags)]);
    });
  },
});
