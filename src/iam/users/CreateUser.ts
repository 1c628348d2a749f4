import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import type { Repositories } from '../../store/store.js';
import { authorize } from '../authorize.js';
import { assertUniqueTagKeys } from '../common.js';
import { POLICY_ARN } from '../policies/shared.js';
import { accountOf, tagContext, userArn } from './shared.js';
import { userShape } from './user-shape.js';

/**
 * A permissions boundary must be a managed policy of the caller's account or an AWS managed
 * policy (as CreateRole's, iam/policies/role-common.ts requireBoundaryPolicy). Call it in the
 * transaction that sets the boundary: the policy stays key-share locked until commit.
 */
export async function requireUserBoundary(t: Repositories, accountId: string, arn: string): Promise<void> {
  if (!POLICY_ARN.test(arn)) throw Errors.invalidInput(`ARN ${arn} is not valid.`);
  if (!(await t.users.lockBoundaryPolicy(accountId, arn))) throw Errors.noSuchEntity(`Scope ARN: ${arn} does not exist or is not attachable.`);
}

export const CreateUser = defineOperation({
  service: 'iam',
  name: 'CreateUser',
  auth: 'sigv4',
  async run(ctx, input) {
    const path = input.Path ?? '/';
    const tags = input.Tags ?? [];
    const boundary = input.PermissionsBoundary;
    assertUniqueTagKeys(tags);
    await authorize(ctx, 'iam:CreateUser', userArn(ctx, path, input.UserName), {
      ...tagContext(tags),
      ...(boundary ? { 'iam:PermissionsBoundary': boundary } : {}),
    });
    const user = await ctx.services.store.tx(async (t) => {
      if (boundary) await requireUserBoundary(t, accountOf(ctx), boundary);
      const made = await t.users.insert({
        id: ctx.services.random.uniqueId('AIDA'),
        accountId: accountOf(ctx),
        name: input.UserName,
        path,
        ...(boundary ? { permissionsBoundary: boundary } : {}),
        tags,
        createdAt: ctx.req.now,
      });
      if (made === 'exists') throw Errors.entityAlreadyExists(`User with name ${input.UserName} already exists.`);
      return made;
    });
    ctx.audit.userName = user.name;
    ctx.audit.userId = user.id;
    return { User: userShape(ctx, user, true) };
  },
});
