import { defineOperation } from '../../protocols/operation.js';
import { roleSortKey } from '../../store/roles.js';
import { authorize } from '../authorize.js';
import { decodeMarker, paginate } from '../common.js';
import { arnFor } from './shared.js';
import { roleShape } from './role-shape.js';

export const ListRoles = defineOperation({
  service: 'iam',
  name: 'ListRoles',
  auth: 'sigv4',
  async run(ctx, input) {
    const pathPrefix = input.PathPrefix ?? '/';
    const maxItems = input.MaxItems ?? 100;
    await authorize(ctx, 'iam:ListRoles', arnFor(ctx, `role${pathPrefix}`));
    const rows = await ctx.services.store.roles.page(ctx.caller.accountId, pathPrefix, { after: decodeMarker(input.Marker), limit: maxItems + 1 });
    const page = paginate(rows, { marker: input.Marker, maxItems }, roleSortKey);
    return { Roles: page.items.map((r) => roleShape(r, false)), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
  },
});
