import { defineOperation } from '../../awsquery/operation.js';
import { readTagKeys } from '../common.js';
import { authorizedPolicy } from './policy-common.js';
import { findOwnPolicy, readPolicyArn, removeTags } from './shared.js';

export const UntagPolicy = defineOperation({
  service: 'iam',
  name: 'UntagPolicy',
  auth: 'sigv4',
  parse: (p) => ({ arn: readPolicyArn(p)!, keys: readTagKeys(p) ?? [] }),
  async run(ctx, input) {
    await authorizedPolicy(ctx, input.arn, 'iam:UntagPolicy', { own: true, extra: { 'aws:TagKeys': input.keys } });
    await ctx.services.db.tx(async (c) => {
      const p = await findOwnPolicy(c, ctx.caller.accountId, input.arn, true);
      await c.query(`UPDATE policies SET tags = $2 WHERE policy_id = $1`, [p.policy_id, JSON.stringify(removeTags(p.tags, input.keys))]);
    });
  },
});
