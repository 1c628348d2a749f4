import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../authorize.js';
import { accountOf, findUserRef, groupArn, noSuchGroup, noSuchUser } from './shared.js';

export const RemoveUserFromGroup = defineOperation({
  service: 'iam',
  name: 'RemoveUserFromGroup',
  auth: 'sigv4',
  async run(ctx, input) {
    const store = ctx.services.store;
    const g = await store.groups.get(accountOf(ctx), input.GroupName);
    if (!g) throw noSuchGroup(input.GroupName);
    await authorize(ctx, 'iam:RemoveUserFromGroup', groupArn(ctx, g.path, g.name));
    const u = await findUserRef(ctx, store.userRefs, input.UserName);
    await store.tx(async (t) => {
      if (!(await t.groups.removeMember(g.id, u.id))) throw noSuchUser(input.UserName);
      await ctx.services.invalidate({ kind: 'principal', principalId: u.id }, t);
    });
    ctx.audit.groupId = g.id;
    ctx.audit.userId = u.id;
  },
});
