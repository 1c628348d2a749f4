import { defineOperation } from '../../protocols/operation.js';
import { authorizePolicyAction, findPolicyRef } from './policy-ref.js';
import { removeTags } from './shared.js';

export const UntagPolicy = defineOperation({
  service: 'iam',
  name: 'UntagPolicy',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorizePolicyAction(ctx, input.PolicyArn, 'iam:UntagPolicy', { 'aws:TagKeys': input.TagKeys });
    await ctx.services.store.tx(async (t) => {
      const p = await findPolicyRef(ctx, input.PolicyArn, { own: true, t, lock: true });
      await t.policies.setPolicyTags(p.id, removeTags(p.tags, input.TagKeys));
    });
  },
});
