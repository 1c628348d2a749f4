import { defineOperation } from '../../protocols/operation.js';
import { deleteBoundary } from './boundary.js';

export const DeleteUserPermissionsBoundary = defineOperation({
  service: 'iam',
  name: 'DeleteUserPermissionsBoundary',
  auth: 'sigv4',
  run: (ctx, input) => deleteBoundary(ctx, 'user', input.UserName),
});
