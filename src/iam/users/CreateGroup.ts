import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { isUniqueViolation, translatePgError } from '../../store/pg-errors.js';
import { newUniqueId } from '../../tokens/ids.js';
import { authorize } from '../authorize.js';
import { readName, readPath } from '../common.js';
import { accountOf, groupArn, renderGroup, type GroupRow } from './shared.js';

export const CreateGroup = defineOperation({
  service: 'iam',
  name: 'CreateGroup',
  auth: 'sigv4',
  parse: (p) => ({ GroupName: readName(p, 'GroupName', 128)!, Path: readPath(p) ?? '/' }),
  run: async (ctx, i) => {
    await authorize(ctx, 'iam:CreateGroup', groupArn(ctx, i.Path, i.GroupName));
    const g = await ctx.services.db.tx(async (c) => {
      try {
        const r = await c.query<GroupRow>(
          `INSERT INTO groups (group_id, account_id, group_name, path, created_at) VALUES ($1, $2, $3, $4, $5)
           RETURNING group_id, account_id, group_name, path, created_at`,
          [newUniqueId('AGPA'), accountOf(ctx), i.GroupName, i.Path, ctx.req.now],
        );
        return r.rows[0]!;
      } catch (e) {
        if (isUniqueViolation(translatePgError(e))) throw Errors.entityAlreadyExists(`Group with name ${i.GroupName} already exists.`);
        throw e;
      }
    });
    ctx.audit.groupId = g.group_id;
    return { Group: renderGroup(ctx, g) };
  },
  render: (o) => o,
});
