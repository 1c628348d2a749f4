import { defineOperation } from '../../protocols/operation.js';
import { authorize } from '../authorize.js';
import { noSuchLoginProfile } from './password.js';
import { arnOfUser, resolveUser } from './shared.js';

export const GetLoginProfile = defineOperation({
  service: 'iam',
  name: 'GetLoginProfile',
  auth: 'sigv4',
  async run(ctx, input) {
    const { users } = ctx.services.store;
    const u = await resolveUser(ctx, users, input.UserName);
    await authorize(ctx, 'iam:GetLoginProfile', arnOfUser(ctx, u));
    const lp = await users.loginProfile(u.id);
    if (!lp) throw noSuchLoginProfile(u.name);
    return { LoginProfile: { UserName: u.name, CreateDate: lp.createdAt, PasswordResetRequired: lp.passwordResetRequired } };
  },
});
