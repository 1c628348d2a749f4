import { defineOperation } from '../../protocols/operation.js';
import { putBoundary } from './boundary.js';

export const PutUserPermissionsBoundary = defineOperation({
  service: 'iam',
  name: 'PutUserPermissionsBoundary',
  auth: 'sigv4',
  run: (ctx, input) => putBoundary(ctx, 'user', input.UserName, input.PermissionsBoundary),
});
