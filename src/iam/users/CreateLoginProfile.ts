import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../authorize.js';
import { checkPolicy, hashPassword, passwordRequired, remember } from './password.js';
import { arnOfUser, resolveUser } from './shared.js';

export const CreateLoginProfile = defineOperation({
  service: 'iam',
  name: 'CreateLoginProfile',
  auth: 'sigv4',
  async run(ctx, input) {
    const { store } = ctx.services;
    if (input.Password === undefined) throw passwordRequired();
    const resetRequired = input.PasswordResetRequired ?? false;
    const u = await resolveUser(ctx, store.users, input.UserName);
    await authorize(ctx, 'iam:CreateLoginProfile', arnOfUser(ctx, u));
    checkPolicy(input.Password, await store.accounts.passwordPolicy(u.accountId), [u.name, u.accountId]);
    const hash = await hashPassword(input.Password);
    await store.tx(async (t) => {
      const made = await t.users.insertLoginProfile({ userId: u.id, passwordHash: hash, passwordResetRequired: resetRequired, createdAt: ctx.req.now, passwordChangedAt: ctx.req.now });
      if (made === 'exists') throw Errors.entityAlreadyExists(`Login Profile for user ${u.name} already exists.`);
      await remember(t.users, u.id, hash, ctx.req.now);
    });
    ctx.audit.userId = u.id;
    return { LoginProfile: { UserName: u.name, CreateDate: ctx.req.now, PasswordResetRequired: resetRequired } };
  },
});
