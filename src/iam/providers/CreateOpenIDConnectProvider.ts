import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { isUniqueViolation } from '../../store/pg-errors.js';
import { authorize } from '../authorize.js';
import { assertUniqueTagKeys, readTags, type Tag } from '../common.js';
import { normalizeIssuer } from './oidc-repo.js';
import { checkThumbprints, readThumbprints } from './oidc-common.js';
import { accountOf, arnFor, CLIENT_IDS_PER_OIDC_PROVIDER, lockAccount, OIDC_PROVIDERS_PER_ACCOUNT, tagContext, xmlTags } from './shared.js';

export const CreateOpenIDConnectProvider = defineOperation({
  service: 'iam',
  name: 'CreateOpenIDConnectProvider',
  auth: 'sigv4',
  parse: (p) => ({
    url: p.string('Url', { required: true, min: 1, max: 255 }),
    clientIds: p.stringList('ClientIDList', { min: 1, max: 255 }) ?? [],
    thumbprints: readThumbprints(p, false),
    tags: readTags(p) ?? [],
  }),
  async run(ctx, input) {
    const n = normalizeIssuer(input.url, ctx.services.config.allowInsecureIssuers);
    if (!n) throw Errors.validation('Invalid Open ID Connect Provider URL');
    const arn = arnFor(ctx, `oidc-provider/${n.resource}`);
    await authorize(ctx, 'iam:CreateOpenIDConnectProvider', arn, tagContext(input.tags));
    const thumbprints = checkThumbprints(input.thumbprints);
    const clientIds = [...new Set(input.clientIds)];
    if (clientIds.length > CLIENT_IDS_PER_OIDC_PROVIDER) {
      throw Errors.limitExceeded(`Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${CLIENT_IDS_PER_OIDC_PROVIDER}`);
    }
    assertUniqueTagKeys(input.tags);
    const accountId = accountOf(ctx);
    ctx.audit.providerArn = arn;
    try {
      await ctx.services.db.tx(async (c) => {
        await lockAccount(c, 'oidc-providers', accountId);
        const count = await c.query('SELECT count(*)::int AS n FROM oidc_providers WHERE account_id = $1', [accountId]);
        if ((count.rows[0]?.n ?? 0) >= OIDC_PROVIDERS_PER_ACCOUNT) {
          throw Errors.limitExceeded(`Cannot exceed quota for OpenIdConnectProvidersPerAccount: ${OIDC_PROVIDERS_PER_ACCOUNT}`);
        }
        await c.query(
          `INSERT INTO oidc_providers (arn, account_id, issuer_url, resource, client_ids, thumbprints, tags, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [arn, accountId, n.url, n.resource, clientIds, thumbprints, JSON.stringify(input.tags), ctx.req.now],
        );
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw Errors.entityAlreadyExists(`Provider with url ${n.url} already exists.`);
      throw e;
    }
    return { arn, tags: input.tags as Tag[] };
  },
  render: (out) => ({ OpenIDConnectProviderArn: out.arn, Tags: out.tags.length > 0 ? xmlTags(out.tags) : undefined }),
});
