import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { authorizedPolicy } from './policy-common.js';
import { readPolicyArn, readVersionId, renderVersion, type VersionRow } from './shared.js';

export const GetPolicyVersion = defineOperation({
  service: 'iam',
  name: 'GetPolicyVersion',
  auth: 'sigv4',
  parse: (p) => ({ arn: readPolicyArn(p)!, versionId: readVersionId(p)! }),
  async run(ctx, input) {
    const p = await authorizedPolicy(ctx, input.arn, 'iam:GetPolicyVersion');
    const r = await ctx.services.db.query<VersionRow>(`SELECT * FROM policy_versions WHERE policy_id = $1 AND version_id = $2`, [p.policy_id, input.versionId]);
    const v = r.rows[0];
    if (!v) throw Errors.noSuchEntity(`Policy ${input.arn} version ${input.versionId} does not exist or is not attachable.`);
    return v;
  },
  render: (v) => ({ PolicyVersion: renderVersion(v, true) }),
});
