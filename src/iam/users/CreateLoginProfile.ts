import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { isUniqueViolation, translatePgError } from '../../store/pg-errors.js';
import { authorize } from '../authorize.js';
import { readName } from '../common.js';
import { checkPolicy, hashPassword, loadPolicy, readPassword, remember } from './password.js';
import { rowArn, targetUser } from './shared.js';

export const CreateLoginProfile = defineOperation({
  service: 'iam',
  name: 'CreateLoginProfile',
  auth: 'sigv4',
  parse: (p) => ({
    UserName: readName(p, 'UserName', 64, false),
    Password: readPassword(p, 'Password', true)!,
    PasswordResetRequired: p.bool('PasswordResetRequired') ?? false,
  }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const u = await targetUser(ctx, db, i.UserName);
    await authorize(ctx, 'iam:CreateLoginProfile', rowArn(ctx, u));
    checkPolicy(i.Password, await loadPolicy(db, u.account_id), [u.user_name, u.account_id]);
    const hash = await hashPassword(i.Password);
    await db.tx(async (c) => {
      try {
        await c.query(
          `INSERT INTO login_profiles (user_id, password_hash, password_reset_required, created_at, password_changed_at) VALUES ($1, $2, $3, $4, $4)`,
          [u.user_id, hash, i.PasswordResetRequired, ctx.req.now],
        );
      } catch (e) {
        if (isUniqueViolation(translatePgError(e))) throw Errors.entityAlreadyExists(`Login Profile for user ${u.user_name} already exists.`);
        throw e;
      }
      await remember(c, u.user_id, hash, ctx.req.now);
    });
    ctx.audit.userId = u.user_id;
    return { LoginProfile: { UserName: u.user_name, CreateDate: ctx.req.now, PasswordResetRequired: i.PasswordResetRequired } };
  },
  render: (o) => o,
});
