import { defineOperation } from '../../protocols/operation.js';
import { encodeDocument } from '../common.js';
import { getInlinePolicy } from './inline.js';
import { ROLE } from './entity.js';

export const GetRolePolicy = defineOperation({
  service: 'iam',
  name: 'GetRolePolicy',
  auth: 'sigv4',
  async run(ctx, input) {
    const { entity, policy } = await getInlinePolicy(ctx, ROLE, input.RoleName, input.PolicyName);
    return { RoleName: entity.name, PolicyName: policy.name, PolicyDocument: encodeDocument(policy.document) };
  },
});
