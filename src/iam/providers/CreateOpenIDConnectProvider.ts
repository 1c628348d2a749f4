import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { normalizeIssuer } from '../../federation/oidc/issuer-url.js';
import { authorize } from '../authorize.js';
import { assertUniqueTagKeys } from '../common.js';
import { checkThumbprints } from './oidc-common.js';
import { accountOf, arnFor, CLIENT_IDS_PER_OIDC_PROVIDER, OIDC_PROVIDERS_PER_ACCOUNT, tagContext, tagShapes } from './shared.js';

export const CreateOpenIDConnectProvider = defineOperation({
  service: 'iam',
  name: 'CreateOpenIDConnectProvider',
  auth: 'sigv4',
  async run(ctx, input) {
    const tags = input.Tags ?? [];
    const n = normalizeIssuer(input.Url, ctx.services.config.allowInsecureIssuers);
    if (!n) throw Errors.validation('Invalid Open ID Connect Provider URL');
    const arn = arnFor(ctx, `oidc-provider/${n.resource}`);
    await authorize(ctx, 'iam:CreateOpenIDConnectProvider', arn, tagContext(tags));
    const thumbprints = checkThumbprints(input.ThumbprintList ?? []);
    const clientIds = [...new Set(input.ClientIDList ?? [])];
    if (clientIds.length > CLIENT_IDS_PER_OIDC_PROVIDER) {
      throw Errors.limitExceeded(`Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${CLIENT_IDS_PER_OIDC_PROVIDER}`);
    }
    assertUniqueTagKeys(tags);
    ctx.audit.providerArn = arn;
    await ctx.services.store.tx(async (t) => {
      const made = await t.providers.insertOidc(
        { arn, accountId: accountOf(ctx), url: n.url, resource: n.resource, clientIds, thumbprints, tags, createdAt: ctx.req.now },
        OIDC_PROVIDERS_PER_ACCOUNT,
      );
      if (made === 'quota') throw Errors.limitExceeded(`Cannot exceed quota for OpenIdConnectProvidersPerAccount: ${OIDC_PROVIDERS_PER_ACCOUNT}`);
      if (made === 'exists') throw Errors.entityAlreadyExists(`Provider with url ${n.url} already exists.`);
    });
    return tags.length > 0 ? { OpenIDConnectProviderArn: arn, Tags: tagShapes(tags) } : { OpenIDConnectProviderArn: arn };
  },
});
