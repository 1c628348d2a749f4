import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import type { GroupDependent } from '../../store/groups.js';
import { authorize } from '../authorize.js';
import { accountOf, groupArn, noSuchGroup } from './shared.js';

/** What DeleteGroup answers while something still refers to the group. */
const CONFLICT: Record<GroupDependent, string> = {
  members: 'Cannot delete entity, must remove users from group first.',
  inlinePolicies: 'Cannot delete entity, must delete policies first.',
  attachedPolicies: 'Cannot delete entity, must detach all policies first.',
};

export const DeleteGroup = defineOperation({
  service: 'iam',
  name: 'DeleteGroup',
  auth: 'sigv4',
  async run(ctx, input) {
    const store = ctx.services.store;
    const found = await store.groups.get(accountOf(ctx), input.GroupName);
    if (!found) throw noSuchGroup(input.GroupName);
    await authorize(ctx, 'iam:DeleteGroup', groupArn(ctx, found.path, found.name));
    await store.tx(async (t) => {
      const g = await t.groups.get(accountOf(ctx), input.GroupName, { lock: true });
      if (!g) throw noSuchGroup(input.GroupName);
      const [first] = await t.groups.dependents(g.id);
      if (first) throw Errors.deleteConflict(CONFLICT[first]);
      if ((await t.groups.delete(g.id)) === 'members') throw Errors.deleteConflict(CONFLICT.members);
    });
    ctx.audit.groupId = found.id;
  },
});
