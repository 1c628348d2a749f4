import { defineOperation } from '../../protocols/operation.js';
import { listInlinePolicies } from './inline.js';
import { USER } from './entity.js';

export const ListUserPolicies = defineOperation({
  service: 'iam',
  name: 'ListUserPolicies',
  auth: 'sigv4',
  run: (ctx, input) => listInlinePolicies(ctx, USER, input.UserName, input),
});
