import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { PgConstraintError, translatePgError } from '../../store/pg-errors.js';
import { authorize } from '../authorize.js';
import { readName } from '../common.js';
import { accountOf, existingTables, findGroup, groupArn } from './shared.js';

const DEPENDENTS: { table: string; message: string }[] = [
  { table: 'group_members', message: 'Cannot delete entity, must remove users from group first.' },
  { table: 'group_policies', message: 'Cannot delete entity, must delete policies first.' },
  { table: 'group_policy_attachments', message: 'Cannot delete entity, must detach all policies first.' },
];

export const DeleteGroup = defineOperation({
  service: 'iam',
  name: 'DeleteGroup',
  auth: 'sigv4',
  parse: (p) => ({ GroupName: readName(p, 'GroupName', 128)! }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const found = await findGroup(db, accountOf(ctx), i.GroupName);
    await authorize(ctx, 'iam:DeleteGroup', groupArn(ctx, found.path, found.group_name));
    await db.tx(async (c) => {
      const g = await findGroup(c, accountOf(ctx), i.GroupName, true);
      const present = await existingTables(c, DEPENDENTS.map((d) => d.table));
      for (const d of DEPENDENTS) {
        if (!present.has(d.table)) continue;
        const r = await c.query(`SELECT 1 FROM ${d.table} WHERE group_id = $1 LIMIT 1`, [g.group_id]);
        if (r.rowCount) throw Errors.deleteConflict(d.message);
      }
      try {
        await c.query('DELETE FROM groups WHERE group_id = $1', [g.group_id]);
      } catch (e) {
        const te = translatePgError(e);
        if (te instanceof PgConstraintError && te.pgCode === '23503') throw Errors.deleteConflict('Cannot delete entity, must remove users from group first.');
        throw e;
      }
    });
    ctx.audit.groupId = found.group_id;
    return {};
  },
});
