import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { authorizedPolicy } from './policy-common.js';
import { findOwnPolicy, invalidateAll, readPolicyArn } from './shared.js';

export const DeletePolicy = defineOperation({
  service: 'iam',
  name: 'DeletePolicy',
  auth: 'sigv4',
  parse: (p) => ({ arn: readPolicyArn(p)! }),
  async run(ctx, input) {
    await authorizedPolicy(ctx, input.arn, 'iam:DeletePolicy', { own: true });
    await ctx.services.db.tx(async (c) => {
      const p = await findOwnPolicy(c, ctx.caller.accountId, input.arn, true);
      if (p.attachment_count > 0) throw Errors.deleteConflict('Cannot delete a policy attached to entities.');
      // Boundary uses have no foreign key. Count them in a statement of their own, after the row
      // lock: the counts above come from the snapshot taken before waiting for it, and would miss
      // a Put*PermissionsBoundary that committed meanwhile (it holds a key-share lock until then).
      const b = await c.query<{ n: number }>(
        `SELECT ((SELECT count(*) FROM users WHERE permissions_boundary = $1) + (SELECT count(*) FROM roles WHERE permissions_boundary = $1))::int AS n`,
        [p.arn],
      );
      if ((b.rows[0]?.n ?? 0) > 0) throw Errors.deleteConflict('Cannot delete a policy attached to entities.');
      const v = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM policy_versions WHERE policy_id = $1`, [p.policy_id]);
      if ((v.rows[0]?.n ?? 0) > 1) {
        throw Errors.deleteConflict(
          "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
        );
      }
      await c.query(`DELETE FROM policies WHERE policy_id = $1`, [p.policy_id]);
    });
    await invalidateAll(ctx);
  },
});
