import { defineOperation } from '../../protocols/operation.js';
import { groupSortKey } from '../../store/groups.js';
import { authorize } from '../authorize.js';
import { decodeMarker, paginate } from '../common.js';
import { groupShape } from './group-shape.js';
import { accountOf, arnFor } from './shared.js';

export const ListGroups = defineOperation({
  service: 'iam',
  name: 'ListGroups',
  auth: 'sigv4',
  async run(ctx, input) {
    const pathPrefix = input.PathPrefix ?? '/';
    const maxItems = input.MaxItems ?? 100;
    await authorize(ctx, 'iam:ListGroups', arnFor(ctx, `group${pathPrefix}`));
    const rows = await ctx.services.store.groups.page(accountOf(ctx), pathPrefix, { after: decodeMarker(input.Marker), limit: maxItems + 1 });
    const page = paginate(rows, { marker: input.Marker, maxItems }, groupSortKey);
    return { Groups: page.items.map((g) => groupShape(ctx, g)), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
  },
});
