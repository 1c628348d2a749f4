import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { isUniqueViolation } from '../../store/pg-errors.js';
import { authorize } from '../authorize.js';
import { assertUniqueTagKeys, readTags, type Tag } from '../common.js';
import { parseMetadata, readEncryptionMode, readMetadata, validUntilOf } from './saml-common.js';
import { newProviderUuid } from './saml-repo.js';
import { accountOf, arnFor, lockAccount, SAML_PROVIDERS_PER_ACCOUNT, tagContext, xmlTags } from './shared.js';

export const CreateSAMLProvider = defineOperation({
  service: 'iam',
  name: 'CreateSAMLProvider',
  auth: 'sigv4',
  parse: (p) => ({
    metadata: readMetadata(p, true) ?? '',
    name: p.string('Name', { required: true, min: 1, max: 128, pattern: /^[\w._-]+$/, patternText: '[\\w._-]+' }),
    tags: readTags(p) ?? [],
    encryptionMode: readEncryptionMode(p),
  }),
  async run(ctx, input) {
    const arn = arnFor(ctx, `saml-provider/${input.name}`);
    await authorize(ctx, 'iam:CreateSAMLProvider', arn, tagContext(input.tags));
    assertUniqueTagKeys(input.tags);
    const md = await parseMetadata(input.metadata);
    const accountId = accountOf(ctx);
    ctx.audit.providerArn = arn;
    ctx.audit.entityId = md.entityId;
    try {
      await ctx.services.db.tx(async (c) => {
        await lockAccount(c, 'saml-providers', accountId);
        const count = await c.query('SELECT count(*)::int AS n FROM saml_providers WHERE account_id = $1', [accountId]);
        if ((count.rows[0]?.n ?? 0) >= SAML_PROVIDERS_PER_ACCOUNT) {
          throw Errors.limitExceeded(`Cannot exceed quota for SamlProvidersPerAccount: ${SAML_PROVIDERS_PER_ACCOUNT}`);
        }
        await c.query(
          `INSERT INTO saml_providers (arn, account_id, name, provider_uuid, metadata_document, entity_id, signing_certificates, valid_until, tags, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
          [arn, accountId, input.name, newProviderUuid(), input.metadata, md.entityId, md.signingCertificates, validUntilOf(md, ctx.req.now), JSON.stringify(input.tags), ctx.req.now],
        );
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw Errors.entityAlreadyExists(`SAMLProvider with name ${input.name} already exists.`);
      throw e;
    }
    return { arn, tags: input.tags as Tag[] };
  },
  render: (out) => ({ SAMLProviderArn: out.arn, Tags: out.tags.length > 0 ? xmlTags(out.tags) : undefined }),
});
