import { defineOperation } from '../../protocols/operation.js';
import { encodeDocument } from '../common.js';
import { getInlinePolicy } from './inline.js';
import { USER } from './entity.js';

export const GetUserPolicy = defineOperation({
  service: 'iam',
  name: 'GetUserPolicy',
  auth: 'sigv4',
  async run(ctx, input) {
    const { entity, policy } = await getInlinePolicy(ctx, USER, input.UserName, input.PolicyName);
    return { UserName: entity.name, PolicyName: policy.name, PolicyDocument: encodeDocument(policy.document) };
  },
});
