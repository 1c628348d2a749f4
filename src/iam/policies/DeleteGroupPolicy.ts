import { defineOperation } from '../../protocols/operation.js';
import { deleteInlinePolicy } from './inline.js';
import { GROUP } from './entity.js';

export const DeleteGroupPolicy = defineOperation({
  service: 'iam',
  name: 'DeleteGroupPolicy',
  auth: 'sigv4',
  run: (ctx, input) => deleteInlinePolicy(ctx, GROUP, input.GroupName, input.PolicyName),
});
