import { defineOperation } from '../../protocols/operation.js';
import { detachPolicy } from './attach.js';
import { GROUP } from './entity.js';

export const DetachGroupPolicy = defineOperation({
  service: 'iam',
  name: 'DetachGroupPolicy',
  auth: 'sigv4',
  run: (ctx, input) => detachPolicy(ctx, GROUP, input.GroupName, input.PolicyArn),
});
