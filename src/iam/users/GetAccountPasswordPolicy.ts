import { defineOperation } from '../../protocols/operation.js';
import { Errors } from '../../errors/index.js';
import type { PasswordPolicy as PasswordPolicyShape } from '../../protocols/generated/iam.js';
import type { PasswordPolicy } from '../../store/accounts.js';
import { authorize } from '../authorize.js';
import { accountOf } from './shared.js';

export const noPasswordPolicy = (accountId: string) => Errors.noSuchEntity(`The Password Policy with domain name ${accountId} cannot be found.`);

/** The account's password policy as the model's PasswordPolicy structure. */
export function passwordPolicyShape(p: PasswordPolicy): PasswordPolicyShape {
  const out: PasswordPolicyShape = {
    MinimumPasswordLength: p.minimumPasswordLength,
    RequireSymbols: p.requireSymbols,
    RequireNumbers: p.requireNumbers,
    RequireUppercaseCharacters: p.requireUppercaseCharacters,
    RequireLowercaseCharacters: p.requireLowercaseCharacters,
    AllowUsersToChangePassword: p.allowUsersToChangePassword,
    ExpirePasswords: p.maxPasswordAge !== undefined,
  };
  if (p.maxPasswordAge !== undefined) out.MaxPasswordAge = p.maxPasswordAge;
  if (p.passwordReusePrevention !== undefined) out.PasswordReusePrevention = p.passwordReusePrevention;
  out.HardExpiry = p.hardExpiry;
  return out;
}

export const GetAccountPasswordPolicy = defineOperation({
  service: 'iam',
  name: 'GetAccountPasswordPolicy',
  auth: 'sigv4',
  async run(ctx) {
    await authorize(ctx, 'iam:GetAccountPasswordPolicy', '*');
    const policy = await ctx.services.store.accounts.passwordPolicy(accountOf(ctx));
    if (!policy) throw noPasswordPolicy(accountOf(ctx));
    return { PasswordPolicy: passwordPolicyShape(policy) };
  },
});
