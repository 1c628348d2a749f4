import { defineOperation } from '../../protocols/operation.js';
import { accessKeySortKey } from '../../store/access-keys.js';
import { authorize } from '../authorize.js';
import { decodeMarker, paginate } from '../common.js';
import { keyMetadataShape } from './keys.js';
import { refArn, targetUserRef } from './shared.js';

export const ListAccessKeys = defineOperation({
  service: 'iam',
  name: 'ListAccessKeys',
  auth: 'sigv4',
  async run(ctx, input) {
    const maxItems = input.MaxItems ?? 100;
    const store = ctx.services.store;
    const u = await targetUserRef(ctx, store.userRefs, input.UserName);
    await authorize(ctx, 'iam:ListAccessKeys', refArn(ctx, u));
    const rows = await store.accessKeys.pageForUser(u.id, { after: decodeMarker(input.Marker), limit: maxItems + 1 });
    const page = paginate(rows, { marker: input.Marker, maxItems }, accessKeySortKey);
    return { AccessKeyMetadata: page.items.map((k) => keyMetadataShape(k, u)), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
  },
});
