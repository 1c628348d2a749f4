import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../authorize.js';
import { assertUniqueTagKeys } from '../common.js';
import { policyShape } from './policy-shape.js';
import { arnFor, checkManagedSize, tagContext, validateDocument } from './shared.js';

export const CreatePolicy = defineOperation({
  service: 'iam',
  name: 'CreatePolicy',
  auth: 'sigv4',
  async run(ctx, input) {
    const path = input.Path ?? '/';
    const tags = input.Tags ?? [];
    const arn = arnFor(ctx, `policy${path}${input.PolicyName}`);
    await authorize(ctx, 'iam:CreatePolicy', arn, tagContext(tags));
    assertUniqueTagKeys(tags);
    checkManagedSize(input.PolicyDocument);
    validateDocument(input.PolicyDocument, 'identity');
    const policyId = ctx.services.random.uniqueId('ANPA');
    ctx.audit.policyArn = arn;
    const policy = await ctx.services.store.tx(async (t) => {
      const made = await t.managedPolicies.insert({
        id: policyId,
        accountId: ctx.caller.accountId,
        name: input.PolicyName,
        path,
        arn,
        ...(input.Description !== undefined ? { description: input.Description } : {}),
        tags,
        document: input.PolicyDocument,
        createdAt: ctx.req.now,
      });
      if (made === 'exists') throw Errors.entityAlreadyExists(`A policy called ${input.PolicyName} already exists. Duplicate names are not allowed.`);
      return made;
    });
    return { Policy: policyShape(policy, { tags: true }) };
  },
});
