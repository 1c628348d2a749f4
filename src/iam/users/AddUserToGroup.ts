import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../authorize.js';
import { accountOf, findUserRef, groupArn, noSuchGroup } from './shared.js';

export const GROUPS_PER_USER = 10;

export const AddUserToGroup = defineOperation({
  service: 'iam',
  name: 'AddUserToGroup',
  auth: 'sigv4',
  async run(ctx, input) {
    const store = ctx.services.store;
    const g = await store.groups.get(accountOf(ctx), input.GroupName);
    if (!g) throw noSuchGroup(input.GroupName);
    await authorize(ctx, 'iam:AddUserToGroup', groupArn(ctx, g.path, g.name));
    const userId = await store.tx(async (t) => {
      const grp = await t.groups.get(accountOf(ctx), input.GroupName, { lock: true });
      if (!grp) throw noSuchGroup(input.GroupName);
      // The user's row lock serialises concurrent adds, so the quota holds.
      const u = await findUserRef(ctx, t.userRefs, input.UserName, true);
      const { groups, member } = await t.groups.membership(u.id, grp.id);
      if (!member) {
        if (groups >= GROUPS_PER_USER) throw Errors.limitExceeded(`Cannot exceed quota for GroupsPerUser: ${GROUPS_PER_USER}`);
        await t.groups.addMember(grp.id, u.id, ctx.req.now);
      }
      await ctx.services.invalidate({ kind: 'principal', principalId: u.id }, t);
      return u.id;
    });
    ctx.audit.groupId = g.id;
    ctx.audit.userId = userId;
  },
});
