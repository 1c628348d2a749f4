import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { authorizedPolicy } from './policy-common.js';
import { findOwnPolicy, readPolicyArn, readVersionId } from './shared.js';

export const DeletePolicyVersion = defineOperation({
  service: 'iam',
  name: 'DeletePolicyVersion',
  auth: 'sigv4',
  parse: (p) => ({ arn: readPolicyArn(p)!, versionId: readVersionId(p)! }),
  async run(ctx, input) {
    await authorizedPolicy(ctx, input.arn, 'iam:DeletePolicyVersion', { own: true });
    ctx.audit.versionId = input.versionId;
    await ctx.services.db.tx(async (c) => {
      const p = await findOwnPolicy(c, ctx.caller.accountId, input.arn, true);
      const r = await c.query<{ is_default: boolean }>(`SELECT is_default FROM policy_versions WHERE policy_id = $1 AND version_id = $2`, [p.policy_id, input.versionId]);
      const v = r.rows[0];
      if (!v) throw Errors.noSuchEntity(`Policy ${input.arn} version ${input.versionId} does not exist or is not attachable.`);
      if (v.is_default) throw Errors.deleteConflict('Cannot delete the default version of a policy.');
      await c.query(`DELETE FROM policy_versions WHERE policy_id = $1 AND version_id = $2`, [p.policy_id, input.versionId]);
      await c.query(`UPDATE policies SET updated_at = $2 WHERE policy_id = $1`, [p.policy_id, ctx.req.now]);
    });
  },
});
