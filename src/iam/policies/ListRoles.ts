import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { decodeMarker, paginate, readPage, readPathPrefix } from '../common.js';
import { arnFor, renderRole, type RoleRow } from './shared.js';

export const ListRoles = defineOperation({
  service: 'iam',
  name: 'ListRoles',
  auth: 'sigv4',
  parse: (p) => ({ pathPrefix: readPathPrefix(p) ?? '/', page: readPage(p) }),
  async run(ctx, input) {
    await authorize(ctx, 'iam:ListRoles', arnFor(ctx, `role${input.pathPrefix}`));
    const after = decodeMarker(input.page.marker) ?? '';
    const r = await ctx.services.db.query<RoleRow>(
      `SELECT * FROM roles WHERE account_id = $1 AND starts_with(path, $2) AND lower(role_name) COLLATE "C" > $3
        ORDER BY lower(role_name) COLLATE "C" LIMIT $4`,
      [ctx.caller.accountId, input.pathPrefix, after, input.page.maxItems + 1],
    );
    return paginate(r.rows, input.page, (x) => x.role_name.toLowerCase());
  },
  render: (o) => ({ Roles: o.items.map((r) => renderRole(r, false)), IsTruncated: o.IsTruncated, Marker: o.Marker }),
});
