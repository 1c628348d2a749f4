import { defineOperation } from '../../protocols/operation.js';
import { authorizedManagedPolicy } from './policy-common.js';
import { policyShape } from './policy-shape.js';

export const GetPolicy = defineOperation({
  service: 'iam',
  name: 'GetPolicy',
  auth: 'sigv4',
  async run(ctx, input) {
    const p = await authorizedManagedPolicy(ctx, input.PolicyArn, 'iam:GetPolicy');
    return { Policy: policyShape(p, { description: true, tags: true }) };
  },
});
