import { defineOperation } from '../../awsquery/operation.js';
import { readPage } from '../common.js';
import { authorizedOidc, readOidcArn } from './oidc-common.js';
import { pageTags, xmlTags } from './shared.js';

export const ListOpenIDConnectProviderTags = defineOperation({
  service: 'iam',
  name: 'ListOpenIDConnectProviderTags',
  auth: 'sigv4',
  parse: (p) => ({ arn: readOidcArn(p), page: readPage(p) }),
  async run(ctx, input) {
    const p = await authorizedOidc(ctx, 'ListOpenIDConnectProviderTags', input.arn);
    return pageTags(p.tags, input.page);
  },
  render: (out) => ({ Tags: xmlTags(out.Tags), IsTruncated: out.IsTruncated, Marker: out.Marker }),
});
