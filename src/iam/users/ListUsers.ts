import { defineOperation } from '../../protocols/operation.js';
import { userSortKey } from '../../store/users.js';
import { authorize } from '../authorize.js';
import { decodeMarker, paginate } from '../common.js';
import { accountOf, arnFor } from './shared.js';
import { userShape } from './user-shape.js';

export const ListUsers = defineOperation({
  service: 'iam',
  name: 'ListUsers',
  auth: 'sigv4',
  async run(ctx, input) {
    const pathPrefix = input.PathPrefix ?? '/';
    const maxItems = input.MaxItems ?? 100;
    await authorize(ctx, 'iam:ListUsers', arnFor(ctx, `user${pathPrefix}`));
    const rows = await ctx.services.store.users.page(accountOf(ctx), pathPrefix, { after: decodeMarker(input.Marker), limit: maxItems + 1 });
    const page = paginate(rows, { marker: input.Marker, maxItems }, userSortKey);
    return { Users: page.items.map((u) => userShape(ctx, u, false)), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
  },
});
