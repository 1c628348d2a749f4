import { defineOperation } from '../../protocols/operation.js';
import { deleteInlinePolicy } from './inline.js';
import { USER } from './entity.js';

export const DeleteUserPolicy = defineOperation({
  service: 'iam',
  name: 'DeleteUserPolicy',
  auth: 'sigv4',
  run: (ctx, input) => deleteInlinePolicy(ctx, USER, input.UserName, input.PolicyName),
});
