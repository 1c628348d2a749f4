import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { readName } from '../common.js';
import { noSuchLoginProfile } from './password.js';
import { rowArn, targetUser } from './shared.js';

export const GetLoginProfile = defineOperation({
  service: 'iam',
  name: 'GetLoginProfile',
  auth: 'sigv4',
  parse: (p) => ({ UserName: readName(p, 'UserName', 64, false) }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const u = await targetUser(ctx, db, i.UserName);
    await authorize(ctx, 'iam:GetLoginProfile', rowArn(ctx, u));
    const r = await db.query<{ created_at: Date; password_reset_required: boolean }>(
      'SELECT created_at, password_reset_required FROM login_profiles WHERE user_id = $1',
      [u.user_id],
    );
    const lp = r.rows[0];
    if (!lp) throw noSuchLoginProfile(u.user_name);
    return { LoginProfile: { UserName: u.user_name, CreateDate: lp.created_at, PasswordResetRequired: lp.password_reset_required } };
  },
  render: (o) => o,
});
