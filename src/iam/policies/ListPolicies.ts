import { defineOperation } from '../../protocols/operation.js';
import { policySortKey } from '../../store/managed-policies.js';
import { authorize } from '../authorize.js';
import { decodeMarker, paginate } from '../common.js';
import { policyShape } from './policy-shape.js';
import { arnFor } from './shared.js';

export const ListPolicies = defineOperation({
  service: 'iam',
  name: 'ListPolicies',
  auth: 'sigv4',
  async run(ctx, input) {
    const pathPrefix = input.PathPrefix ?? '/';
    const maxItems = input.MaxItems ?? 100;
    await authorize(ctx, 'iam:ListPolicies', arnFor(ctx, `policy${pathPrefix}`));
    const rows = await ctx.services.store.managedPolicies.page(
      ctx.caller.accountId,
      { scope: input.Scope ?? 'All', pathPrefix, onlyAttached: input.OnlyAttached ?? false, ...(input.PolicyUsageFilter ? { usage: input.PolicyUsageFilter } : {}) },
      { after: decodeMarker(input.Marker), limit: maxItems + 1 },
    );
    const page = paginate(rows, { marker: input.Marker, maxItems }, policySortKey);
    return { Policies: page.items.map((p) => policyShape(p)), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
  },
});
