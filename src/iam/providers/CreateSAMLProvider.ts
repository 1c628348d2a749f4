import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../authorize.js';
import { assertUniqueTagKeys } from '../common.js';
import { parseMetadata, validUntilOf } from './saml-common.js';
import { accountOf, arnFor, SAML_PROVIDERS_PER_ACCOUNT, tagContext, tagShapes } from './shared.js';

export const CreateSAMLProvider = defineOperation({
  service: 'iam',
  name: 'CreateSAMLProvider',
  auth: 'sigv4',
  async run(ctx, input) {
    const tags = input.Tags ?? [];
    const arn = arnFor(ctx, `saml-provider/${input.Name}`);
    await authorize(ctx, 'iam:CreateSAMLProvider', arn, tagContext(tags));
    assertUniqueTagKeys(tags);
    const md = await parseMetadata(input.SAMLMetadataDocument);
    ctx.audit.providerArn = arn;
    ctx.audit.entityId = md.entityId;
    await ctx.services.store.tx(async (t) => {
      const made = await t.providers.insertSaml(
        {
          arn,
          accountId: accountOf(ctx),
          name: input.Name,
          uuid: ctx.services.random.uuid(),
          metadataDocument: input.SAMLMetadataDocument,
          entityId: md.entityId,
          signingCertificates: md.signingCertificates,
          validUntil: validUntilOf(md, ctx.req.now),
          tags,
          createdAt: ctx.req.now,
          updatedAt: ctx.req.now,
        },
        SAML_PROVIDERS_PER_ACCOUNT,
      );
      if (made === 'quota') throw Errors.limitExceeded(`Cannot exceed quota for SamlProvidersPerAccount: ${SAML_PROVIDERS_PER_ACCOUNT}`);
      if (made === 'exists') throw Errors.entityAlreadyExists(`SAMLProvider with name ${input.Name} already exists.`);
    });
    return tags.length > 0 ? { SAMLProviderArn: arn, Tags: tagShapes(tags) } : { SAMLProviderArn: arn };
  },
});
