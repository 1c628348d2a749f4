import { defineOperation } from '../../protocols/operation.js';
import { putBoundary } from './boundary.js';

export const PutRolePermissionsBoundary = defineOperation({
  service: 'iam',
  name: 'PutRolePermissionsBoundary',
  auth: 'sigv4',
  run: (ctx, input) => putBoundary(ctx, 'role', input.RoleName, input.PermissionsBoundary),
});
