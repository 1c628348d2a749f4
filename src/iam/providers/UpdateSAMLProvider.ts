import { defineOperation } from '../../protocols/operation.js';
import { authorizedSaml, parseMetadata, validUntilOf } from './saml-common.js';

export const UpdateSAMLProvider = defineOperation({
  service: 'iam',
  name: 'UpdateSAMLProvider',
  auth: 'sigv4',
  async run(ctx, input) {
    ctx.audit.providerArn = input.SAMLProviderArn;
    const arn = await ctx.services.store.tx(async (t) => {
      const p = await authorizedSaml(ctx, 'UpdateSAMLProvider', input.SAMLProviderArn, { repos: t, lock: true });
      if (input.SAMLMetadataDocument === undefined) return p.arn;
      const md = await parseMetadata(input.SAMLMetadataDocument);
      ctx.audit.entityId = md.entityId;
      await t.providers.updateSamlMetadata(p.arn, {
        metadataDocument: input.SAMLMetadataDocument,
        entityId: md.entityId,
        signingCertificates: md.signingCertificates,
        validUntil: validUntilOf(md, ctx.req.now),
        updatedAt: ctx.req.now,
      });
      await ctx.services.invalidate({ kind: 'all' }, t);
      return p.arn;
    });
    return { SAMLProviderArn: arn };
  },
});
