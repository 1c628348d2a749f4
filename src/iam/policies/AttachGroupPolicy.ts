import { defineOperation } from '../../protocols/operation.js';
import { attachPolicy } from './attach.js';
import { GROUP } from './entity.js';

export const AttachGroupPolicy = defineOperation({
  service: 'iam',
  name: 'AttachGroupPolicy',
  auth: 'sigv4',
  run: (ctx, input) => attachPolicy(ctx, GROUP, input.GroupName, input.PolicyArn),
});
