import { defineOperation } from '../../protocols/operation.js';
import { authorizedOidc } from './oidc-common.js';
import { pageTags, tagShapes } from './shared.js';

export const ListOpenIDConnectProviderTags = defineOperation({
  service: 'iam',
  name: 'ListOpenIDConnectProviderTags',
  auth: 'sigv4',
  async run(ctx, input) {
    const p = await authorizedOidc(ctx, 'ListOpenIDConnectProviderTags', input.OpenIDConnectProviderArn);
    const page = pageTags(p.tags, { marker: input.Marker, maxItems: input.MaxItems ?? 100 });
    return { ...page, Tags: tagShapes(page.Tags) };
  },
});
