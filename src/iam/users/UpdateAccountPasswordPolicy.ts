import { defineOperation } from '../../awsquery/operation.js';
import { authorize } from '../authorize.js';
import { accountOf } from './shared.js';

/** Replaces the whole policy: parameters left out take their defaults, as in AWS. */
export const UpdateAccountPasswordPolicy = defineOperation({
  service: 'iam',
  name: 'UpdateAccountPasswordPolicy',
  auth: 'sigv4',
  parse: (p) => ({
    MinimumPasswordLength: p.int('MinimumPasswordLength', { min: 6, max: 128 }) ?? 6,
    RequireSymbols: p.bool('RequireSymbols') ?? false,
    RequireNumbers: p.bool('RequireNumbers') ?? false,
    RequireUppercaseCharacters: p.bool('RequireUppercaseCharacters') ?? false,
    RequireLowercaseCharacters: p.bool('RequireLowercaseCharacters') ?? false,
    AllowUsersToChangePassword: p.bool('AllowUsersToChangePassword') ?? false,
    MaxPasswordAge: p.int('MaxPasswordAge', { min: 1, max: 1095 }),
    PasswordReusePrevention: p.int('PasswordReusePrevention', { min: 1, max: 24 }),
    HardExpiry: p.bool('HardExpiry') ?? false,
  }),
  run: async (ctx, i) => {
    await authorize(ctx, 'iam:UpdateAccountPasswordPolicy', '*');
    await ctx.services.db.tx((c) =>
      c.query(
        `INSERT INTO account_password_policy (account_id, minimum_password_length, require_symbols, require_numbers,
           require_uppercase_characters, require_lowercase_characters, allow_users_to_change_password, max_password_age,
           password_reuse_prevention, hard_expiry, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (account_id) DO UPDATE SET minimum_password_length = EXCLUDED.minimum_password_length,
           require_symbols = EXCLUDED.require_symbols, require_numbers = EXCLUDED.require_numbers,
           require_uppercase_characters = EXCLUDED.require_uppercase_characters,
           require_lowercase_characters = EXCLUDED.require_lowercase_characters,
           allow_users_to_change_password = EXCLUDED.allow_users_to_change_password,
           max_password_age = EXCLUDED.max_password_age, password_reuse_prevention = EXCLUDED.password_reuse_prevention,
           hard_expiry = EXCLUDED.hard_expiry, updated_at = EXCLUDED.updated_at`,
        [
          accountOf(ctx),
          i.MinimumPasswordLength,
          i.RequireSymbols,
          i.RequireNumbers,
          i.RequireUppercaseCharacters,
          i.RequireLowercaseCharacters,
          i.AllowUsersToChangePassword,
          i.MaxPasswordAge ?? null,
          i.PasswordReusePrevention ?? null,
          i.HardExpiry,
          ctx.req.now,
        ],
      ),
    );
    ctx.audit.passwordPolicy = i;
    return {};
  },
});
