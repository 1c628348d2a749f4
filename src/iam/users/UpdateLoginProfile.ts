import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../authorize.js';
import { checkPolicy, checkReuse, hashPassword, noSuchLoginProfile, remember } from './password.js';
import { arnOfUser, resolveUser } from './shared.js';

export const UpdateLoginProfile = defineOperation({
  service: 'iam',
  name: 'UpdateLoginProfile',
  auth: 'sigv4',
  async run(ctx, input) {
    const { store } = ctx.services;
    const u = await resolveUser(ctx, store.users, input.UserName);
    await authorize(ctx, 'iam:UpdateLoginProfile', arnOfUser(ctx, u));
    const policy = await store.accounts.passwordPolicy(u.accountId);
    const password = input.Password;
    if (password !== undefined) checkPolicy(password, policy, [u.name, u.accountId]);
    const hash = password !== undefined ? await hashPassword(password) : undefined;
    await store.tx(async (t) => {
      if (!(await t.users.loginProfile(u.id, { lock: true }))) throw noSuchLoginProfile(u.name);
      if (password !== undefined && hash !== undefined) {
        await checkReuse(t.users, u.id, password, policy);
        await t.users.updateLoginProfile(u.id, { passwordHash: hash, passwordChangedAt: ctx.req.now });
        await remember(t.users, u.id, hash, ctx.req.now);
      }
      if (input.PasswordResetRequired !== undefined) await t.users.updateLoginProfile(u.id, { passwordResetRequired: input.PasswordResetRequired });
    });
    ctx.audit.userId = u.id;
  },
});
