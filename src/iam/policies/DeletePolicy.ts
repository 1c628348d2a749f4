import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorizedManagedPolicy, loadPolicy } from './policy-common.js';

export const DeletePolicy = defineOperation({
  service: 'iam',
  name: 'DeletePolicy',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorizedManagedPolicy(ctx, input.PolicyArn, 'iam:DeletePolicy', { own: true });
    await ctx.services.store.tx(async (t) => {
      const p = await loadPolicy(t.managedPolicies, ctx.caller.accountId, input.PolicyArn, { own: true, lock: true });
      if (p.attachmentCount > 0) throw Errors.deleteConflict('Cannot delete a policy attached to entities.');
      // Boundary uses have no foreign key. Count them in a statement of their own, after the row
      // lock: the counts above come from the snapshot taken before waiting for it, and would miss
      // a Put*PermissionsBoundary that committed meanwhile (it holds a key-share lock until then).
      if ((await t.managedPolicies.boundaryUseCount(p.arn)) > 0) throw Errors.deleteConflict('Cannot delete a policy attached to entities.');
      if ((await t.managedPolicies.versionCount(p.id)) > 1) {
        throw Errors.deleteConflict(
          "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
        );
      }
      await t.managedPolicies.delete(p.id);
      await ctx.services.invalidate({ kind: 'all' }, t);
    });
  },
});
