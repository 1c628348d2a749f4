import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../authorize.js';
import { groupShape } from './group-shape.js';
import { accountOf, groupArn } from './shared.js';

export const CreateGroup = defineOperation({
  service: 'iam',
  name: 'CreateGroup',
  auth: 'sigv4',
  async run(ctx, input) {
    const path = input.Path ?? '/';
    await authorize(ctx, 'iam:CreateGroup', groupArn(ctx, path, input.GroupName));
    const g = await ctx.services.store.tx(async (t) => {
      const made = await t.groups.insert({ id: ctx.services.random.uniqueId('AGPA'), accountId: accountOf(ctx), name: input.GroupName, path, createdAt: ctx.req.now });
      if (made === 'exists') throw Errors.entityAlreadyExists(`Group with name ${input.GroupName} already exists.`);
      return made;
    });
    ctx.audit.groupId = g.id;
    return { Group: groupShape(ctx, g) };
  },
});
