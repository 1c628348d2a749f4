import { defineOperation } from '../../awsquery/operation.js';
import { readPage } from '../common.js';
import { authorizedPolicy } from './policy-common.js';
import { pageOf, readPolicyArn, xmlTags } from './shared.js';

export const ListPolicyTags = defineOperation({
  service: 'iam',
  name: 'ListPolicyTags',
  auth: 'sigv4',
  parse: (p) => ({ arn: readPolicyArn(p)!, page: readPage(p) }),
  async run(ctx, input) {
    const p = await authorizedPolicy(ctx, input.arn, 'iam:ListPolicyTags');
    return pageOf(p.tags, input.page);
  },
  render: (o) => ({ Tags: xmlTags(o.items), IsTruncated: o.IsTruncated, Marker: o.Marker }),
});
