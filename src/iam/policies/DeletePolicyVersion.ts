import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorizedManagedPolicy, loadPolicy, noSuchVersion } from './policy-common.js';

export const DeletePolicyVersion = defineOperation({
  service: 'iam',
  name: 'DeletePolicyVersion',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorizedManagedPolicy(ctx, input.PolicyArn, 'iam:DeletePolicyVersion', { own: true });
    ctx.audit.versionId = input.VersionId;
    await ctx.services.store.tx(async (t) => {
      const p = await loadPolicy(t.managedPolicies, ctx.caller.accountId, input.PolicyArn, { own: true, lock: true });
      const v = await t.managedPolicies.version(p.id, input.VersionId);
      if (!v) throw noSuchVersion(input.PolicyArn, input.VersionId);
      if (v.isDefault) throw Errors.deleteConflict('Cannot delete the default version of a policy.');
      await t.managedPolicies.deleteVersion(p.id, input.VersionId, ctx.req.now);
    });
  },
});
