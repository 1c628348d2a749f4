import { defineOperation } from '../../awsquery/operation.js';
import { authorizedSaml, readSamlArn } from './saml-common.js';

export const DeleteSAMLProvider = defineOperation({
  service: 'iam',
  name: 'DeleteSAMLProvider',
  auth: 'sigv4',
  parse: (p) => ({ arn: readSamlArn(p) }),
  async run(ctx, input) {
    ctx.audit.providerArn = input.arn;
    await ctx.services.db.tx(async (c) => {
      const p = await authorizedSaml(ctx, 'DeleteSAMLProvider', input.arn, { db: c, forUpdate: true });
      await c.query('DELETE FROM saml_providers WHERE arn = $1', [p.arn]);
    });
    await ctx.services.invalidate({ kind: 'all' });
  },
});
