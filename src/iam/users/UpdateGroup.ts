import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { isUniqueViolation, translatePgError } from '../../store/pg-errors.js';
import { authorize } from '../authorize.js';
import { readName, readPath } from '../common.js';
import { accountOf, findGroup, groupArn } from './shared.js';

export const UpdateGroup = defineOperation({
  service: 'iam',
  name: 'UpdateGroup',
  auth: 'sigv4',
  parse: (p) => ({
    GroupName: readName(p, 'GroupName', 128)!,
    NewPath: readPath(p, 'NewPath'),
    NewGroupName: readName(p, 'NewGroupName', 128, false),
  }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const g = await findGroup(db, accountOf(ctx), i.GroupName);
    await authorize(ctx, 'iam:UpdateGroup', groupArn(ctx, g.path, g.group_name));
    if (i.NewGroupName !== undefined && i.NewGroupName !== g.group_name) {
      await authorize(ctx, 'iam:UpdateGroup', groupArn(ctx, i.NewPath ?? g.path, i.NewGroupName));
    }
    await db.tx(async (c) => {
      const cur = await findGroup(c, accountOf(ctx), i.GroupName, true);
      try {
        await c.query('UPDATE groups SET group_name = $2, path = $3 WHERE group_id = $1', [cur.group_id, i.NewGroupName ?? cur.group_name, i.NewPath ?? cur.path]);
      } catch (e) {
        if (isUniqueViolation(translatePgError(e))) throw Errors.entityAlreadyExists(`Group with name ${i.NewGroupName} already exists.`);
        throw e;
      }
    });
    ctx.audit.groupId = g.group_id;
    await ctx.services.invalidate({ kind: 'all' });
    return {};
  },
});
