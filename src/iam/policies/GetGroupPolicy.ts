import { defineOperation } from '../../protocols/operation.js';
import { encodeDocument } from '../common.js';
import { getInlinePolicy } from './inline.js';
import { GROUP } from './entity.js';

export const GetGroupPolicy = defineOperation({
  service: 'iam',
  name: 'GetGroupPolicy',
  auth: 'sigv4',
  async run(ctx, input) {
    const { entity, policy } = await getInlinePolicy(ctx, GROUP, input.GroupName, input.PolicyName);
    return { GroupName: entity.name, PolicyName: policy.name, PolicyDocument: encodeDocument(policy.document) };
  },
});
