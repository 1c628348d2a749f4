import { defineOperation } from '../../awsquery/operation.js';
import { assertUniqueTagKeys, readTags } from '../common.js';
import { authorizedPolicy } from './policy-common.js';
import { assertTagQuota, findOwnPolicy, mergeTags, readPolicyArn, tagContext } from './shared.js';

export const TagPolicy = defineOperation({
  service: 'iam',
  name: 'TagPolicy',
  auth: 'sigv4',
  parse: (p) => ({ arn: readPolicyArn(p)!, tags: readTags(p) ?? (p.fail('Tags', null, 'Member must not be null'), []) }),
  async run(ctx, input) {
    assertUniqueTagKeys(input.tags);
    await authorizedPolicy(ctx, input.arn, 'iam:TagPolicy', { own: true, extra: tagContext(input.tags) });
    await ctx.services.db.tx(async (c) => {
      const p = await findOwnPolicy(c, ctx.caller.accountId, input.arn, true);
      const tags = mergeTags(p.tags, input.tags);
      assertTagQuota(tags);
      await c.query(`UPDATE policies SET tags = $2 WHERE policy_id = $1`, [p.policy_id, JSON.stringify(tags)]);
    });
  },
});
