import { defineOperation } from '../../protocols/operation.js';
import { putInlinePolicy } from './inline.js';
import { GROUP } from './entity.js';

export const PutGroupPolicy = defineOperation({
  service: 'iam',
  name: 'PutGroupPolicy',
  auth: 'sigv4',
  run: (ctx, input) => putInlinePolicy(ctx, GROUP, input.GroupName, input.PolicyName, input.PolicyDocument),
});
