import { defineOperation } from '../../protocols/operation.js';
import type { VirtualMFADevice } from '../../protocols/generated/iam.js';
import { mfaSortKey } from '../../store/mfa.js';
import { authorize } from '../authorize.js';
import { decodeMarker, paginate } from '../common.js';
import { accountOf, renderTags, userRefShape } from './shared.js';

export const ListVirtualMFADevices = defineOperation({
  service: 'iam',
  name: 'ListVirtualMFADevices',
  auth: 'sigv4',
  async run(ctx, input) {
    const maxItems = input.MaxItems ?? 100;
    await authorize(ctx, 'iam:ListVirtualMFADevices', '*');
    const rows = await ctx.services.store.mfa.page(accountOf(ctx), input.AssignmentStatus ?? 'Any', { after: decodeMarker(input.Marker), limit: maxItems + 1 });
    const page = paginate(rows, { marker: input.Marker, maxItems }, mfaSortKey);
    const VirtualMFADevices = page.items.map((d) => {
      const out: VirtualMFADevice = { SerialNumber: d.serialNumber };
      if (d.user) out.User = userRefShape(ctx, d.user);
      if (d.enabledAt) out.EnableDate = d.enabledAt;
      const tags = renderTags(d.tags);
      if (tags) out.Tags = tags;
      return out;
    });
    return { VirtualMFADevices, IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
  },
});
