import { defineOperation } from '../../awsquery/operation.js';
import { AwsError, Errors } from '../../errors/index.js';
import { authorize } from '../authorize.js';
import { checkPolicy, checkReuse, hashPassword, loadPolicy, noSuchLoginProfile, readPassword, remember, verifyPassword } from './password.js';
import { findUserById, userArn } from './shared.js';

/**
 * The calling IAM user changes their own console password. Allowed without an identity policy
 * when the account policy sets AllowUsersToChangePassword (as in AWS); otherwise needs
 * iam:ChangePassword. The root user cannot use it.
 */
export const ChangePassword = defineOperation({
  service: 'iam',
  name: 'ChangePassword',
  auth: 'sigv4',
  parse: (p) => ({ OldPassword: readPassword(p, 'OldPassword', true)!, NewPassword: readPassword(p, 'NewPassword', true)! }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const c = ctx.caller;
    const userId = c.session?.parentUserId ?? c.principalId;
    const u = c.isRoot || (c.type !== 'User') ? undefined : await findUserById(db, userId);
    if (!u || u.is_root) {
      throw new AwsError('InvalidUserType', 'The request was rejected because the type of user for the transaction was incorrect.', 400);
    }
    const policy = await loadPolicy(db, u.account_id);
    if (!policy?.AllowUsersToChangePassword) await authorize(ctx, 'iam:ChangePassword', userArn(ctx, u.path, u.user_name));
    const lp = await db.query<{ password_hash: string }>('SELECT password_hash FROM login_profiles WHERE user_id = $1', [u.user_id]);
    const current = lp.rows[0];
    if (!current) throw noSuchLoginProfile(u.user_name);
    if (!(await verifyPassword(i.OldPassword, current.password_hash))) {
      throw Errors.accessDenied('The old password you provided is incorrect.');
    }
    checkPolicy(i.NewPassword, policy, [u.user_name, u.account_id]);
    const hash = await hashPassword(i.NewPassword);
    await db.tx(async (t) => {
      await t.query('SELECT 1 FROM login_profiles WHERE user_id = $1 FOR UPDATE', [u.user_id]);
      await checkReuse(t, u.user_id, i.NewPassword, policy);
      await t.query(
        'UPDATE login_profiles SET password_hash = $2, password_changed_at = $3, password_reset_required = false WHERE user_id = $1',
        [u.user_id, hash, ctx.req.now],
      );
      await remember(t, u.user_id, hash, ctx.req.now);
    });
    ctx.audit.userId = u.user_id;
    return {};
  },
});
