import { defineOperation } from '../../protocols/operation.js';
import { listAttachedPolicies } from './attach.js';
import { USER } from './entity.js';

export const ListAttachedUserPolicies = defineOperation({
  service: 'iam',
  name: 'ListAttachedUserPolicies',
  auth: 'sigv4',
  run: (ctx, input) => listAttachedPolicies(ctx, USER, input.UserName, input),
});
