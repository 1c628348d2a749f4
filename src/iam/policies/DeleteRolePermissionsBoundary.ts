import { defineOperation } from '../../protocols/operation.js';
import { deleteBoundary } from './boundary.js';

export const DeleteRolePermissionsBoundary = defineOperation({
  service: 'iam',
  name: 'DeleteRolePermissionsBoundary',
  auth: 'sigv4',
  run: (ctx, input) => deleteBoundary(ctx, 'role', input.RoleName),
});
