import { defineOperation } from '../../protocols/operation.js';
import { putInlinePolicy } from './inline.js';
import { ROLE } from './entity.js';

export const PutRolePolicy = defineOperation({
  service: 'iam',
  name: 'PutRolePolicy',
  auth: 'sigv4',
  run: (ctx, input) => putInlinePolicy(ctx, ROLE, input.RoleName, input.PolicyName, input.PolicyDocument),
});
