import { defineOperation } from '../../awsquery/operation.js';
import { Errors } from '../../errors/index.js';
import { isUniqueViolation, translatePgError } from '../../store/pg-errors.js';
import { authorize } from '../authorize.js';
import { readName, readPath } from '../common.js';
import { accountOf, findUser, userArn } from './shared.js';

export const UpdateUser = defineOperation({
  service: 'iam',
  name: 'UpdateUser',
  auth: 'sigv4',
  parse: (p) => ({
    UserName: readName(p, 'UserName', 128)!,
    NewPath: readPath(p, 'NewPath'),
    NewUserName: readName(p, 'NewUserName', 64, false),
  }),
  run: async (ctx, i) => {
    const db = ctx.services.db;
    const current = await findUser(db, accountOf(ctx), i.UserName);
    await authorize(ctx, 'iam:UpdateUser', userArn(ctx, current.path, current.user_name));
    if (i.NewUserName !== undefined && i.NewUserName !== current.user_name) {
      await authorize(ctx, 'iam:UpdateUser', userArn(ctx, i.NewPath ?? current.path, i.NewUserName));
    }
    const userId = await db.tx(async (c) => {
      const u = await findUser(c, accountOf(ctx), i.UserName, true);
      try {
        await c.query('UPDATE users SET user_name = $2, path = $3 WHERE user_id = $1', [
          u.user_id,
          i.NewUserName ?? u.user_name,
          i.NewPath ?? u.path,
        ]);
      } catch (e) {
        if (isUniqueViolation(translatePgError(e))) throw Errors.entityAlreadyExists(`User with name ${i.NewUserName} already exists.`);
        throw e;
      }
      return u.user_id;
    });
    ctx.audit.userId = userId;
    // Cached credentials carry the user's ARN.
    await ctx.services.invalidate({ kind: 'principal', principalId: userId });
    return {};
  },
});
