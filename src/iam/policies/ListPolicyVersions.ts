import { defineOperation } from '../../awsquery/operation.js';
import { readPage } from '../common.js';
import { authorizedPolicy } from './policy-common.js';
import { pageOf, readPolicyArn, renderVersion, versionNumber, type VersionRow } from './shared.js';

export const ListPolicyVersions = defineOperation({
  service: 'iam',
  name: 'ListPolicyVersions',
  auth: 'sigv4',
  parse: (p) => ({ arn: readPolicyArn(p)!, page: readPage(p) }),
  async run(ctx, input) {
    const p = await authorizedPolicy(ctx, input.arn, 'iam:ListPolicyVersions');
    const r = await ctx.services.db.query<VersionRow>(`SELECT * FROM policy_versions WHERE policy_id = $1`, [p.policy_id]);
    const versions = r.rows.sort((a, b) => versionNumber(b.version_id) - versionNumber(a.version_id));
    return pageOf(versions, input.page);
  },
  render: (o) => ({ Versions: o.items.map((v) => renderVersion(v, false)), IsTruncated: o.IsTruncated, Marker: o.Marker }),
});
