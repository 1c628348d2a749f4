import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../authorize.js';
import { namedUser, userArn } from './shared.js';

export const UpdateUser = defineOperation({
  service: 'iam',
  name: 'UpdateUser',
  auth: 'sigv4',
  async run(ctx, input) {
    const current = await namedUser(ctx, ctx.services.store.users, input.UserName);
    await authorize(ctx, 'iam:UpdateUser', userArn(ctx, current.path, current.name));
    if (input.NewUserName !== undefined && input.NewUserName !== current.name) {
      await authorize(ctx, 'iam:UpdateUser', userArn(ctx, input.NewPath ?? current.path, input.NewUserName));
    }
    const userId = await ctx.services.store.tx(async (t) => {
      const u = await namedUser(ctx, t.users, input.UserName, { lock: true });
      const done = await t.users.rename(u.id, input.NewUserName ?? u.name, input.NewPath ?? u.path);
      if (done === 'exists') throw Errors.entityAlreadyExists(`User with name ${input.NewUserName} already exists.`);
      // Cached credentials carry the user's ARN.
      await ctx.services.invalidate({ kind: 'principal', principalId: u.id }, t);
      return u.id;
    });
    ctx.audit.userId = userId;
  },
});
