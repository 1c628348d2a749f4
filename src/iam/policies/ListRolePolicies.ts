import { defineOperation } from '../../protocols/operation.js';
import { listInlinePolicies } from './inline.js';
import { ROLE } from './entity.js';

export const ListRolePolicies = defineOperation({
  service: 'iam',
  name: 'ListRolePolicies',
  auth: 'sigv4',
  run: (ctx, input) => listInlinePolicies(ctx, ROLE, input.RoleName, input),
});
