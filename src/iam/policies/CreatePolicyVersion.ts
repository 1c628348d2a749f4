import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { authorizedPolicy } from './policy-common.js';
import { checkManagedSize, findOwnPolicy, invalidateAll, POLICY_VERSIONS_MAX, readDocument, readPolicyArn, renderVersion, validateDocument, type VersionRow } from './shared.js';

export const CreatePolicyVersion = defineOperation({
  service: 'iam',
  name: 'CreatePolicyVersion',
  auth: 'sigv4',
  parse: (p) => ({ arn: readPolicyArn(p)!, document: readDocument(p, 'PolicyDocument')!, setAsDefault: p.bool('SetAsDefault') ?? false }),
  async run(ctx, input) {
    await authorizedPolicy(ctx, input.arn, 'iam:CreatePolicyVersion', { own: true });
    checkManagedSize(input.document);
    validateDocument(input.document, 'identity');
    const v = await ctx.services.db.tx(async (c) => {
      const p = await findOwnPolicy(c, ctx.caller.accountId, input.arn, true);
      const n = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM policy_versions WHERE policy_id = $1`, [p.policy_id]);
      if ((n.rows[0]?.n ?? 0) >= POLICY_VERSIONS_MAX) {
        throw Errors.limitExceeded('A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.');
      }
      const versionId = `v${p.next_version}`;
      if (input.setAsDefault) await c.query(`UPDATE policy_versions SET is_default = false WHERE policy_id = $1 AND is_default`, [p.policy_id]);
      const r = await c.query<VersionRow>(
        `INSERT INTO policy_versions (policy_id, version_id, document, is_default, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
        [p.policy_id, versionId, input.document, input.setAsDefault, ctx.req.now],
      );
      await c.query(
        `UPDATE policies SET next_version = next_version + 1, updated_at = $2, default_version_id = CASE WHEN $3 THEN $4 ELSE default_version_id END WHERE policy_id = $1`,
        [p.policy_id, ctx.req.now, input.setAsDefault, versionId],
      );
      return r.rows[0]!;
    });
    ctx.audit.versionId = v.version_id;
    if (input.setAsDefault) await invalidateAll(ctx);
    return v;
  },
  render: (v) => ({ PolicyVersion: renderVersion(v, false) }),
});
