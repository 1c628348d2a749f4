import { defineOperation } from '../../protocols/operation.js';
import { putInlinePolicy } from './inline.js';
import { USER } from './entity.js';

export const PutUserPolicy = defineOperation({
  service: 'iam',
  name: 'PutUserPolicy',
  auth: 'sigv4',
  run: (ctx, input) => putInlinePolicy(ctx, USER, input.UserName, input.PolicyName, input.PolicyDocument),
});
