import { defineOperation } from '../../protocols/operation.js';
import { attachPolicy } from './attach.js';
import { ROLE } from './entity.js';

export const AttachRolePolicy = defineOperation({
  service: 'iam',
  name: 'AttachRolePolicy',
  auth: 'sigv4',
  run: (ctx, input) => attachPolicy(ctx, ROLE, input.RoleName, input.PolicyArn),
});
