import { defineOperation } from '../../protocols/operation.js';
import type { PasswordPolicy } from '../../store/accounts.js';
import { authorize } from '../authorize.js';
import { accountOf } from './shared.js';

/** Replaces the whole policy: parameters left out take their defaults, as in AWS. */
export const UpdateAccountPasswordPolicy = defineOperation({
  service: 'iam',
  name: 'UpdateAccountPasswordPolicy',
  auth: 'sigv4',
  async run(ctx, input) {
    await authorize(ctx, 'iam:UpdateAccountPasswordPolicy', '*');
    const policy: PasswordPolicy = {
      minimumPasswordLength: input.MinimumPasswordLength ?? 6,
      requireSymbols: input.RequireSymbols ?? false,
      requireNumbers: input.RequireNumbers ?? false,
      requireUppercaseCharacters: input.RequireUppercaseCharacters ?? false,
      requireLowercaseCharacters: input.RequireLowercaseCharacters ?? false,
      allowUsersToChangePassword: input.AllowUsersToChangePassword ?? false,
      ...(input.MaxPasswordAge !== undefined ? { maxPasswordAge: input.MaxPasswordAge } : {}),
      ...(input.PasswordReusePrevention !== undefined ? { passwordReusePrevention: input.PasswordReusePrevention } : {}),
      hardExpiry: input.HardExpiry ?? false,
    };
    await ctx.services.store.tx((t) => t.accounts.putPasswordPolicy(accountOf(ctx), policy, ctx.req.now));
    // The audit detail keeps the policy as the request states it, defaults applied.
    ctx.audit.passwordPolicy = {
      MinimumPasswordLength: policy.minimumPasswordLength,
      RequireSymbols: policy.requireSymbols,
      RequireNumbers: policy.requireNumbers,
      RequireUppercaseCharacters: policy.requireUppercaseCharacters,
      RequireLowercaseCharacters: policy.requireLowercaseCharacters,
      AllowUsersToChangePassword: policy.allowUsersToChangePassword,
      MaxPasswordAge: policy.maxPasswordAge,
      PasswordReusePrevention: policy.passwordReusePrevention,
      HardExpiry: policy.hardExpiry,
    };
  },
});
