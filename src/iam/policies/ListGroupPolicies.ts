import { defineOperation } from '../../protocols/operation.js';
import { listInlinePolicies } from './inline.js';
import { GROUP } from './entity.js';

export const ListGroupPolicies = defineOperation({
  service: 'iam',
  name: 'ListGroupPolicies',
  auth: 'sigv4',
  run: (ctx, input) => listInlinePolicies(ctx, GROUP, input.GroupName, input),
});
