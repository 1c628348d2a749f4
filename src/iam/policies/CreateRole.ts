import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../authorize.js';
import { assertUniqueTagKeys } from '../common.js';
import { requireBoundaryPolicy } from './role-common.js';
import { roleShape } from './role-shape.js';
import { arnFor, checkTrustSize, tagContext, validateDocument } from './shared.js';
import { bindTrustPrincipals } from './trust-binding.js';

export const CreateRole = defineOperation({
  service: 'iam',
  name: 'CreateRole',
  auth: 'sigv4',
  async run(ctx, input) {
    const path = input.Path ?? '/';
    const tags = input.Tags ?? [];
    const boundary = input.PermissionsBoundary;
    const arn = arnFor(ctx, `role${path}${input.RoleName}`);
    await authorize(ctx, 'iam:CreateRole', arn, {
      ...tagContext(tags),
      ...(boundary ? { 'iam:PermissionsBoundary': boundary } : {}),
    });
    assertUniqueTagKeys(tags);
    checkTrustSize(input.AssumeRolePolicyDocument);
    validateDocument(input.AssumeRolePolicyDocument, 'trust');
    const roleId = ctx.services.random.uniqueId('AROA');
    ctx.audit.roleArn = arn;
    const role = await ctx.services.store.tx(async (t) => {
      if (boundary) await requireBoundaryPolicy(t, ctx.caller.accountId, boundary);
      const trustPrincipals = await bindTrustPrincipals(t.roles, ctx.services.config.partition, input.AssumeRolePolicyDocument);
      const made = await t.roles.insert({
        id: roleId,
        accountId: ctx.caller.accountId,
        name: input.RoleName,
        path,
        arn,
        trustPolicy: input.AssumeRolePolicyDocument,
        ...(input.Description !== undefined ? { description: input.Description } : {}),
        maxSessionDuration: input.MaxSessionDuration ?? 3600,
        ...(boundary ? { permissionsBoundary: boundary } : {}),
        tags,
        createdAt: ctx.req.now,
        trustPrincipals,
      });
      if (made === 'exists') throw Errors.entityAlreadyExists(`Role with name ${input.RoleName} already exists.`);
      return made;
    });
    // MaxSessionDuration and RoleLastUsed are left out by OUTPUT_OMITTED (protocols/overrides.ts).
    return { Role: roleShape(role, true) };
  },
});
