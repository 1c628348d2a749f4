import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorizedManagedPolicy, loadPolicy } from './policy-common.js';
import { versionShape } from './policy-shape.js';
import { checkManagedSize, POLICY_VERSIONS_MAX, validateDocument } from './shared.js';

export const CreatePolicyVersion = defineOperation({
  service: 'iam',
  name: 'CreatePolicyVersion',
  auth: 'sigv4',
  async run(ctx, input) {
    const setAsDefault = input.SetAsDefault ?? false;
    await authorizedManagedPolicy(ctx, input.PolicyArn, 'iam:CreatePolicyVersion', { own: true });
    checkManagedSize(input.PolicyDocument);
    validateDocument(input.PolicyDocument, 'identity');
    const v = await ctx.services.store.tx(async (t) => {
      const p = await loadPolicy(t.managedPolicies, ctx.caller.accountId, input.PolicyArn, { own: true, lock: true });
      if ((await t.managedPolicies.versionCount(p.id)) >= POLICY_VERSIONS_MAX) {
        throw Errors.limitExceeded('A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.');
      }
      const made = await t.managedPolicies.addVersion(p, input.PolicyDocument, setAsDefault, ctx.req.now);
      if (setAsDefault) await ctx.services.invalidate({ kind: 'all' }, t);
      return made;
    });
    ctx.audit.versionId = v.versionId;
    return { PolicyVersion: versionShape(v, false) };
  },
});
