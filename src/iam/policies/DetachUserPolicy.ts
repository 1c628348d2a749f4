import { defineOperation } from '../../protocols/operation.js';
import { detachPolicy } from './attach.js';
import { USER } from './entity.js';

export const DetachUserPolicy = defineOperation({
  service: 'iam',
  name: 'DetachUserPolicy',
  auth: 'sigv4',
  run: (ctx, input) => detachPolicy(ctx, USER, input.UserName, input.PolicyArn),
});
