import { defineOperation } from '../../protocols/operation.js';
import { attachPolicy } from './attach.js';
import { USER } from './entity.js';

export const AttachUserPolicy = defineOperation({
  service: 'iam',
  name: 'AttachUserPolicy',
  auth: 'sigv4',
  run: (ctx, input) => attachPolicy(ctx, USER, input.UserName, input.PolicyArn),
});
