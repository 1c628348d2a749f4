import { defineOperation } from '../../protocols/operation.js';
import type { MFADevice } from '../../protocols/generated/iam.js';
import { mfaSortKey } from '../../store/mfa.js';
import { authorize } from '../authorize.js';
import { decodeMarker, paginate } from '../common.js';
import { refArn, targetUserRef } from './shared.js';

export const ListMFADevices = defineOperation({
  service: 'iam',
  name: 'ListMFADevices',
  auth: 'sigv4',
  async run(ctx, input) {
    const maxItems = input.MaxItems ?? 100;
    const store = ctx.services.store;
    const u = await targetUserRef(ctx, store.userRefs, input.UserName);
    await authorize(ctx, 'iam:ListMFADevices', refArn(ctx, u));
    const rows = await store.mfa.pageForUser(u.id, { after: decodeMarker(input.Marker), limit: maxItems + 1 });
    const page = paginate(rows, { marker: input.Marker, maxItems }, mfaSortKey);
    // The root user's devices carry no UserName (root has none).
    const MFADevices = page.items.map((d) => ({ ...(u.isRoot ? {} : { UserName: u.name }), SerialNumber: d.serialNumber, EnableDate: d.enabledAt! }) as MFADevice);
    return { MFADevices, IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
  },
});
