import { defineOperation } from '../../protocols/operation.js';
import { authorizedSaml } from './saml-common.js';
import { pageTags, tagShapes } from './shared.js';

export const ListSAMLProviderTags = defineOperation({
  service: 'iam',
  name: 'ListSAMLProviderTags',
  auth: 'sigv4',
  async run(ctx, input) {
    const p = await authorizedSaml(ctx, 'ListSAMLProviderTags', input.SAMLProviderArn);
    const page = pageTags(p.tags, { marker: input.Marker, maxItems: input.MaxItems ?? 100 });
    return { ...page, Tags: tagShapes(page.Tags) };
  },
});
