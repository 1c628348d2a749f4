import { defineOperation } from '../../protocols/operation.js';
import { authorizedManagedPolicy, noSuchVersion } from './policy-common.js';
import { versionShape } from './policy-shape.js';

export const GetPolicyVersion = defineOperation({
  service: 'iam',
  name: 'GetPolicyVersion',
  auth: 'sigv4',
  async run(ctx, input) {
    const p = await authorizedManagedPolicy(ctx, input.PolicyArn, 'iam:GetPolicyVersion');
    const v = await ctx.services.store.managedPolicies.version(p.id, input.VersionId);
    if (!v) throw noSuchVersion(input.PolicyArn, input.VersionId);
    return { PolicyVersion: versionShape(v, true) };
  },
});
