import { defineOperation } from '../../protocols/operation.js';
import { listAttachedPolicies } from './attach.js';
import { GROUP } from './entity.js';

export const ListAttachedGroupPolicies = defineOperation({
  service: 'iam',
  name: 'ListAttachedGroupPolicies',
  auth: 'sigv4',
  run: (ctx, input) => listAttachedPolicies(ctx, GROUP, input.GroupName, input),
});
