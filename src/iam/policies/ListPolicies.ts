import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { decodeMarker, paginate, readPage, readPathPrefix } from '../common.js';
import { arnFor, POLICY_COLUMNS, renderPolicy, type PolicyRow } from './shared.js';

const sortKey = (p: Pick<PolicyRow, 'policy_name' | 'arn'>) => `${p.policy_name.toLowerCase()} ${p.arn}`;

export const ListPolicies = defineOperation({
  service: 'iam',
  name: 'ListPolicies',
  auth: 'sigv4',
  parse: (p) => ({
    scope: p.string('Scope', { enum: ['All', 'AWS', 'Local'] }) ?? 'All',
    onlyAttached: p.bool('OnlyAttached') ?? false,
    pathPrefix: readPathPrefix(p) ?? '/',
    usage: p.string('PolicyUsageFilter', { enum: ['PermissionsPolicy', 'PermissionsBoundary'] }),
    page: readPage(p),
  }),
  async run(ctx, input) {
    await authorize(ctx, 'iam:ListPolicies', arnFor(ctx, `policy${input.pathPrefix}`));
    const scope =
      input.scope === 'AWS' ? 'p.account_id IS NULL AND $1::text IS NOT NULL' : input.scope === 'Local' ? 'p.account_id = $1' : '(p.account_id = $1 OR p.account_id IS NULL)';
    const attached = !input.onlyAttached
      ? 'true'
      : input.usage === 'PermissionsPolicy'
        ? 'attachment_count > 0'
        : input.usage === 'PermissionsBoundary'
          ? 'boundary_usage_count > 0'
          : '(attachment_count > 0 OR boundary_usage_count > 0)';
    const r = await ctx.services.db.query<PolicyRow>(
      `SELECT * FROM (SELECT ${POLICY_COLUMNS} FROM policies p WHERE ${scope} AND starts_with(p.path, $2)) x
        WHERE ${attached} AND (lower(policy_name) || ' ' || arn) COLLATE "C" > $3
        ORDER BY (lower(policy_name) || ' ' || arn) COLLATE "C" LIMIT $4`,
      [ctx.caller.accountId, input.pathPrefix, decodeMarker(input.page.marker) ?? '', input.page.maxItems + 1],
    );
    return paginate(r.rows, input.page, sortKey);
  },
  render: (o) => ({ Policies: o.items.map((p) => renderPolicy(p)), IsTruncated: o.IsTruncated, Marker: o.Marker }),
});
