import { defineOperation } from '../../protocols/operation.js';
import { listAttachedPolicies } from './attach.js';
import { ROLE } from './entity.js';

export const ListAttachedRolePolicies = defineOperation({
  service: 'iam',
  name: 'ListAttachedRolePolicies',
  auth: 'sigv4',
  run: (ctx, input) => listAttachedPolicies(ctx, ROLE, input.RoleName, input),
});
