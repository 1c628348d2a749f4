import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../authorize.js';
import { accountOf, groupArn, noSuchGroup } from './shared.js';

export const UpdateGroup = defineOperation({
  service: 'iam',
  name: 'UpdateGroup',
  auth: 'sigv4',
  async run(ctx, input) {
    const store = ctx.services.store;
    const g = await store.groups.get(accountOf(ctx), input.GroupName);
    if (!g) throw noSuchGroup(input.GroupName);
    await authorize(ctx, 'iam:UpdateGroup', groupArn(ctx, g.path, g.name));
    if (input.NewGroupName !== undefined && input.NewGroupName !== g.name) {
      await authorize(ctx, 'iam:UpdateGroup', groupArn(ctx, input.NewPath ?? g.path, input.NewGroupName));
    }
    await store.tx(async (t) => {
      const cur = await t.groups.get(accountOf(ctx), input.GroupName, { lock: true });
      if (!cur) throw noSuchGroup(input.GroupName);
      const done = await t.groups.update(cur.id, input.NewGroupName ?? cur.name, input.NewPath ?? cur.path);
      if (done === 'exists') throw Errors.entityAlreadyExists(`Group with name ${input.NewGroupName} already exists.`);
      await ctx.services.invalidate({ kind: 'all' }, t);
    });
    ctx.audit.groupId = g.id;
  },
});
