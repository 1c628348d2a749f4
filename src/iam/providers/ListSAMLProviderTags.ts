import { defineOperation } from '../../awsquery/operation.js';
import { readPage } from '../common.js';
import { authorizedSaml, readSamlArn } from './saml-common.js';
import { pageTags, xmlTags } from './shared.js';

export const ListSAMLProviderTags = defineOperation({
  service: 'iam',
  name: 'ListSAMLProviderTags',
  auth: 'sigv4',
  parse: (p) => ({ arn: readSamlArn(p), page: readPage(p) }),
  async run(ctx, input) {
    const p = await authorizedSaml(ctx, 'ListSAMLProviderTags', input.arn);
    return pageTags(p.tags, input.page);
  },
  render: (out) => ({ Tags: xmlTags(out.Tags), IsTruncated: out.IsTruncated, Marker: out.Marker }),
});
