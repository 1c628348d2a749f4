import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { PgConstraintError, translatePgError } from '../../store/pg-errors.js';
import { authorize } from '../authorize.js';
import { readName } from '../common.js';
import { unbindPrincipal } from '../policies/trust-binding.js';
import { accountOf, existingTables, findUser, userArn, type Q } from './shared.js';

/**
 * AWS refuses to delete a user that still has dependents, naming the first kind it finds.
 * The checks run under the user's row lock, so nothing can be added between check and delete.
 */
const DEPENDENTS: { table: string; message: string }[] = [
  { table: 'user_policies', message: 'Cannot delete entity, must delete policies first.' },
  { table: 'user_policy_attachments', message: 'Cannot delete entity, must detach all policies first.' },
  { table: 'login_profiles', message: 'Cannot delete entity, must delete login profile first.' },
  { table: 'access_keys', message: 'Cannot delete entity, must delete access keys first.' },
  { table: 'mfa_devices', message: 'Cannot delete entity, must delete MFA device first.' },
  { table: 'group_members', message: 'Cannot delete entity, must remove users from group first.' },
];

async function assertNoDependents(q: Q, userId: string): Promise<void> {
  const present = await existingTables(q, DEPENDENTS.map((d) => d.table));
  for (const d of DEPENDENTS) {
    if (!present.has(d.table)) continue;
    const r = await q.query(`SELECT 1 FROM ${d.table} WHERE user_id = $1 LIMIT 1`, [userId]);
    if (r.rowCount) throw Errors.deleteConflict(d.message);
  }
}

export const DeleteUser = defineOperation({
  service: 'iam',
  name: 'DeleteUser',
  auth: 'sigv4',
  parse: (p) => ({ UserName: readName(p, 'UserName', 128)! }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const found = await findUser(db, accountOf(ctx), i.UserName);
    await authorize(ctx, 'iam:DeleteUser', userArn(ctx, found.path, found.user_name));
    const userId = await db.tx(async (c) => {
      const u = await findUser(c, accountOf(ctx), i.UserName, true);
      await assertNoDependents(c, u.user_id);
      try {
        await c.query('DELETE FROM users WHERE user_id = $1', [u.user_id]);
        await unbindPrincipal(c, u.user_id);
      } catch (e) {
        // A dependent table this check does not know about yet (foreign key without cascade).
        const te = translatePgError(e);
        if (te instanceof PgConstraintError && te.pgCode === '23503') throw Errors.deleteConflict('Cannot delete entity, must delete policies first.');
        throw e;
      }
      return u.user_id;
    });
    ctx.audit.userId = userId;
    await ctx.services.invalidate({ kind: 'principal', principalId: userId });
    return {};
  },
});
