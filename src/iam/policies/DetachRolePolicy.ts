import { defineOperation } from '../../protocols/operation.js';
import { detachPolicy } from './attach.js';
import { ROLE } from './entity.js';

export const DetachRolePolicy = defineOperation({
  service: 'iam',
  name: 'DetachRolePolicy',
  auth: 'sigv4',
  run: (ctx, input) => detachPolicy(ctx, ROLE, input.RoleName, input.PolicyArn),
});
