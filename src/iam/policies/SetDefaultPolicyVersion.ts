import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { authorizedPolicy } from './policy-common.js';
import { findOwnPolicy, invalidateAll, readPolicyArn, readVersionId } from './shared.js';

export const SetDefaultPolicyVersion = defineOperation({
  service: 'iam',
  name: 'SetDefaultPolicyVersion',
  auth: 'sigv4',
  parse: (p) => ({ arn: readPolicyArn(p)!, versionId: readVersionId(p)! }),
  async run(ctx, input) {
    await authorizedPolicy(ctx, input.arn, 'iam:SetDefaultPolicyVersion', { own: true });
    ctx.audit.versionId = input.versionId;
    await ctx.services.db.tx(async (c) => {
      const p = await findOwnPolicy(c, ctx.caller.accountId, input.arn, true);
      const r = await c.query(`SELECT 1 FROM policy_versions WHERE policy_id = $1 AND version_id = $2`, [p.policy_id, input.versionId]);
      if (r.rowCount === 0) throw Errors.noSuchEntity(`Policy ${input.arn} version ${input.versionId} does not exist or is not attachable.`);
      await c.query(`UPDATE policy_versions SET is_default = false WHERE policy_id = $1 AND is_default`, [p.policy_id]);
      await c.query(`UPDATE policy_versions SET is_default = true WHERE policy_id = $1 AND version_id = $2`, [p.policy_id, input.versionId]);
      await c.query(`UPDATE policies SET default_version_id = $2, updated_at = $3 WHERE policy_id = $1`, [p.policy_id, input.versionId, ctx.req.now]);
    });
    await invalidateAll(ctx);
  },
});
