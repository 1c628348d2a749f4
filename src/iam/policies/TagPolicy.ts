import { defineOperation } from '../../protocols/operation.js';
import { assertUniqueTagKeys } from '../common.js';
import { authorizePolicyAction, findPolicyRef } from './policy-ref.js';
import { assertTagQuota, mergeTags, tagContext } from './shared.js';

export const TagPolicy = defineOperation({
  service: 'iam',
  name: 'TagPolicy',
  auth: 'sigv4',
  async run(ctx, input) {
    assertUniqueTagKeys(input.Tags);
    await authorizePolicyAction(ctx, input.PolicyArn, 'iam:TagPolicy', tagContext(input.Tags));
    await ctx.services.store.tx(async (t) => {
      const p = await findPolicyRef(ctx, input.PolicyArn, { own: true, t, lock: true });
      const tags = mergeTags(p.tags, input.Tags);
      assertTagQuota(tags);
      await t.policies.setPolicyTags(p.id, tags);
    });
  },
});
