import { defineOperation } from '../../awsquery/operation.js';
import { authorizedSaml, parseMetadata, readEncryptionMode, readMetadata, readSamlArn, validUntilOf } from './saml-common.js';

export const UpdateSAMLProvider = defineOperation({
  service: 'iam',
  name: 'UpdateSAMLProvider',
  auth: 'sigv4',
  parse: (p) => ({ arn: readSamlArn(p), metadata: readMetadata(p, false), encryptionMode: readEncryptionMode(p) }),
  async run(ctx, input) {
    ctx.audit.providerArn = input.arn;
    const arn = await ctx.services.db.tx(async (c) => {
      const p = await authorizedSaml(ctx, 'UpdateSAMLProvider', input.arn, { db: c, forUpdate: true });
      if (input.metadata === undefined) return p.arn;
      const md = await parseMetadata(input.metadata);
      ctx.audit.entityId = md.entityId;
      await c.query(
        `UPDATE saml_providers SET metadata_document = $2, entity_id = $3, signing_certificates = $4, valid_until = $5, updated_at = $6 WHERE arn = $1`,
        [p.arn, input.metadata, md.entityId, md.signingCertificates, validUntilOf(md, ctx.req.now), ctx.req.now],
      );
      return p.arn;
    });
    await ctx.services.invalidate({ kind: 'all' });
    return arn;
  },
  render: (arn) => ({ SAMLProviderArn: arn }),
});
