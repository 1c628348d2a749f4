import { defineOperation } from '../../protocols/operation.js';
import { memberSortKey } from '../../store/groups.js';
import { authorize } from '../authorize.js';
import { decodeMarker, paginate } from '../common.js';
import { groupShape } from './group-shape.js';
import { accountOf, groupArn, noSuchGroup, userRefShape } from './shared.js';

export const GetGroup = defineOperation({
  service: 'iam',
  name: 'GetGroup',
  auth: 'sigv4',
  async run(ctx, input) {
    const maxItems = input.MaxItems ?? 100;
    const store = ctx.services.store;
    const g = await store.groups.get(accountOf(ctx), input.GroupName);
    if (!g) throw noSuchGroup(input.GroupName);
    await authorize(ctx, 'iam:GetGroup', groupArn(ctx, g.path, g.name));
    const rows = await store.groups.members(g.id, { after: decodeMarker(input.Marker), limit: maxItems + 1 });
    const page = paginate(rows, { marker: input.Marker, maxItems }, memberSortKey);
    return { Group: groupShape(ctx, g), Users: page.items.map((u) => userRefShape(ctx, u)), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
  },
});
