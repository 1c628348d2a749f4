import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { readName } from '../common.js';
import { noSuchLoginProfile } from './password.js';
import { rowArn, targetUser } from './shared.js';

export const DeleteLoginProfile = defineOperation({
  service: 'iam',
  name: 'DeleteLoginProfile',
  auth: 'sigv4',
  parse: (p) => ({ UserName: readName(p, 'UserName', 64, false) }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const u = await targetUser(ctx, db, i.UserName);
    await authorize(ctx, 'iam:DeleteLoginProfile', rowArn(ctx, u));
    const r = await db.tx((c) => c.query('DELETE FROM login_profiles WHERE user_id = $1', [u.user_id]));
    if (r.rowCount === 0) throw noSuchLoginProfile(u.user_name);
    ctx.audit.userId = u.user_id;
    return {};
  },
});
