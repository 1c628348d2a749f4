import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import { authorize } from '../authorize.js';
import { checkPolicy, checkReuse, hashPassword, noSuchLoginProfile, remember, verifyPassword } from './password.js';
import { userArn } from './shared.js';

/**
 * The calling IAM user changes their own console password. Allowed without an identity policy
 * when the account policy sets AllowUsersToChangePassword (as in AWS); otherwise needs
 * iam:ChangePassword. The root user cannot use it.
 */
export const ChangePassword = defineOperation({
  service: 'iam',
  name: 'ChangePassword',
  auth: 'sigv4',
  async run(ctx, input) {
    const { store } = ctx.services;
    const c = ctx.caller;
    const userId = c.session?.parentUserId ?? c.principalId;
    const u = c.isRoot || c.type !== 'User' ? null : await store.users.getById(userId);
    if (!u || u.isRoot) {
      // TODO(merge): Errors.invalidUserType() once the catalogue has it (helper H adds it).
      throw Errors.invalidUserType();
    }
    const policy = await store.accounts.passwordPolicy(u.accountId);
    if (!policy?.allowUsersToChangePassword) await authorize(ctx, 'iam:ChangePassword', userArn(ctx, u.path, u.name));
    const current = await store.users.loginProfile(u.id);
    if (!current) throw noSuchLoginProfile(u.name);
    if (!(await verifyPassword(input.OldPassword, current.passwordHash))) {
      throw Errors.accessDenied('The old password you provided is incorrect.');
    }
    checkPolicy(input.NewPassword, policy, [u.name, u.accountId]);
    const hash = await hashPassword(input.NewPassword);
    await store.tx(async (t) => {
      await t.users.loginProfile(u.id, { lock: true });
      await checkReuse(t.users, u.id, input.NewPassword, policy);
      await t.users.updateLoginProfile(u.id, { passwordHash: hash, passwordChangedAt: ctx.req.now, passwordResetRequired: false });
      await remember(t.users, u.id, hash, ctx.req.now);
    });
    ctx.audit.userId = u.id;
  },
});
