import { defineOperation } from '../../protocols/operation.js';
import { deleteInlinePolicy } from './inline.js';
import { ROLE } from './entity.js';

export const DeleteRolePolicy = defineOperation({
  service: 'iam',
  name: 'DeleteRolePolicy',
  auth: 'sigv4',
  run: (ctx, input) => deleteInlinePolicy(ctx, ROLE, input.RoleName, input.PolicyName),
});
