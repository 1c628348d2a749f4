import { defineOperation } from '../../protocols/operation.js';
import { pageList } from '../common.js';
import { authorizedManagedPolicy } from './policy-common.js';
import { versionShape } from './policy-shape.js';

export const ListPolicyVersions = defineOperation({
  service: 'iam',
  name: 'ListPolicyVersions',
  auth: 'sigv4',
  async run(ctx, input) {
    const p = await authorizedManagedPolicy(ctx, input.PolicyArn, 'iam:ListPolicyVersions');
    // At most five versions: paged in memory, newest first.
    const page = pageList(await ctx.services.store.managedPolicies.versions(p.id), { marker: input.Marker, maxItems: input.MaxItems ?? 100 });
    return { Versions: page.items.map((v) => versionShape(v, false)), IsTruncated: page.IsTruncated, ...(page.Marker ? { Marker: page.Marker } : {}) };
  },
});
