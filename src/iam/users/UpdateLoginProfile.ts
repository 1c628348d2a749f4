import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { readName } from '../common.js';
import { checkPolicy, checkReuse, hashPassword, loadPolicy, noSuchLoginProfile, readPassword, remember } from './password.js';
import { rowArn, targetUser } from './shared.js';

export const UpdateLoginProfile = defineOperation({
  service: 'iam',
  name: 'UpdateLoginProfile',
  auth: 'sigv4',
  parse: (p) => ({
    UserName: readName(p, 'UserName', 64, false),
    Password: readPassword(p, 'Password', false),
    PasswordResetRequired: p.bool('PasswordResetRequired'),
  }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const u = await targetUser(ctx, db, i.UserName);
    await authorize(ctx, 'iam:UpdateLoginProfile', rowArn(ctx, u));
    const policy = await loadPolicy(db, u.account_id);
    if (i.Password !== undefined) checkPolicy(i.Password, policy, [u.user_name, u.account_id]);
    const hash = i.Password !== undefined ? await hashPassword(i.Password) : undefined;
    await db.tx(async (c) => {
      const r = await c.query('SELECT 1 FROM login_profiles WHERE user_id = $1 FOR UPDATE', [u.user_id]);
      if (r.rowCount === 0) throw noSuchLoginProfile(u.user_name);
      if (i.Password !== undefined && hash !== undefined) {
        await checkReuse(c, u.user_id, i.Password, policy);
        await c.query('UPDATE login_profiles SET password_hash = $2, password_changed_at = $3 WHERE user_id = $1', [u.user_id, hash, ctx.req.now]);
        await remember(c, u.user_id, hash, ctx.req.now);
      }
      if (i.PasswordResetRequired !== undefined) {
        await c.query('UPDATE login_profiles SET password_reset_required = $2 WHERE user_id = $1', [u.user_id, i.PasswordResetRequired]);
      }
    });
    ctx.audit.userId = u.user_id;
    return {};
  },
});
