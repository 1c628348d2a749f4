import { defineOperation } from '../../protocols/operation.js';
import { authorizedManagedPolicy, loadPolicy, noSuchVersion } from './policy-common.js';

export const SetDefaultPolicyVersion = defineOperation({
  service: 'iam',
  name: 'SetDefaultPolicyVersion',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorizedManagedPolicy(ctx, input.PolicyArn, 'iam:SetDefaultPolicyVersion', { own: true });
    ctx.audit.versionId = input.VersionId;
    await ctx.services.store.tx(async (t) => {
      const p = await loadPolicy(t.managedPolicies, ctx.caller.accountId, input.PolicyArn, { own: true, lock: true });
      if (!(await t.managedPolicies.setDefaultVersion(p.id, input.VersionId, ctx.req.now))) throw noSuchVersion(input.PolicyArn, input.VersionId);
      await ctx.services.invalidate({ kind: 'all' }, t);
    });
  },
});
