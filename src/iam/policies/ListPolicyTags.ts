import { defineOperation } from '../../protocols/operation.js';
import { pageList } from '../common.js';
import { authorizePolicyAction, findPolicyRef } from './policy-ref.js';

export const ListPolicyTags = defineOperation({
  service: 'iam',
  name: 'ListPolicyTags',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorizePolicyAction(ctx, input.PolicyArn, 'iam:ListPolicyTags');
    const p = await findPolicyRef(ctx, input.PolicyArn);
    // At most 50 tags, kept on the policy's row: paged in memory (the Marker is the next index).
    const page = pageList(p.tags, { marker: input.Marker, maxItems: input.MaxItems ?? 100 });
    return { Tags: page.items.map((t) => ({ Key: t.Key, Value: t.Value })), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
  },
});
