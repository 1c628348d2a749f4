import { defineOperation } from '../../protocols/operation.js';
import { groupSortKey } from '../../store/groups.js';
import { authorize } from '../authorize.js';
import { decodeMarker, paginate } from '../common.js';
import { groupShape } from './group-shape.js';
import { findUserRef, userArn } from './shared.js';

export const ListGroupsForUser = defineOperation({
  service: 'iam',
  name: 'ListGroupsForUser',
  auth: 'sigv4',
  async run(ctx, input) {
    const maxItems = input.MaxItems ?? 100;
    const store = ctx.services.store;
    const u = await findUserRef(ctx, store.userRefs, input.UserName);
    await authorize(ctx, 'iam:ListGroupsForUser', userArn(ctx, u.path, u.name));
    const rows = await store.groups.pageForUser(u.id, { after: decodeMarker(input.Marker), limit: maxItems + 1 });
    const page = paginate(rows, { marker: input.Marker, maxItems }, groupSortKey);
    return { Groups: page.items.map((g) => groupShape(ctx, g)), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
  },
});
