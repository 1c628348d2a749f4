import { defineOperation } from '../../awsquery/operation.js';
import { authorizedPolicy } from './policy-common.js';
import { readPolicyArn, renderPolicy } from './shared.js';

export const GetPolicy = defineOperation({
  service: 'iam',
  name: 'GetPolicy',
  auth: 'sigv4',
  parse: (p) => ({ arn: readPolicyArn(p)! }),
  run: (ctx, input) => authorizedPolicy(ctx, input.arn, 'iam:GetPolicy'),
  render: (p) => ({ Policy: renderPolicy(p, { description: true, tags: true }) }),
});
