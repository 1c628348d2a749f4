import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { Errors } from '../../errors/index.js';
import type { PasswordPolicy } from '../../store/accounts.js';
import type { UserRepository } from '../../store/users.js';

/**
 * Console passwords: scrypt hashes only ("scrypt$N$r$p$salt$hash", base64), the account
 * password policy (or AWS's documented default when none is set), and reuse prevention.
 */
const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

const scryptAsync = (pw: string, salt: Buffer, keylen: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scrypt(pw, salt, keylen, opts, (e, k) => (e ? reject(e) : resolve(k))));

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, KEYLEN, { N, r: R, p: P, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const key = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return timingSafeEqual(key, expected);
}

const SYMBOLS = /[!@#$%^&*()_+\-=[\]{}|']/;
const violation = (m: string) => Errors.passwordPolicyViolation(m);

/**
 * Throws PasswordPolicyViolation unless `password` satisfies the account's policy; without
 * one, AWS's default: at least 8 characters, three of uppercase / lowercase / numbers /
 * symbols, and not the account id or user name.
 */
export function checkPolicy(password: string, policy: PasswordPolicy | null, names: string[]): void {
  const upper = /[A-Z]/.test(password);
  const lower = /[a-z]/.test(password);
  const digit = /[0-9]/.test(password);
  const symbol = SYMBOLS.test(password);
  if (!policy) {
    if (password.length < 8) throw violation('Password should have a minimum length of 8');
    if ([upper, lower, digit, symbol].filter(Boolean).length < 3) {
      throw violation('Password should have at least three of the following character types: uppercase letters, lowercase letters, numbers and symbols');
    }
    if (names.some((n) => n.toLowerCase() === password.toLowerCase())) throw violation('Password should not be identical to your user name or account name');
    return;
  }
  if (password.length < policy.minimumPasswordLength) throw violation(`Password should have a minimum length of ${policy.minimumPasswordLength}`);
  if (policy.requireUppercaseCharacters && !upper) throw violation('Password should have at least one uppercase letter');
  if (policy.requireLowercaseCharacters && !lower) throw violation('Password should have at least one lowercase letter');
  if (policy.requireNumbers && !digit) throw violation('Password should have at least one number');
  if (policy.requireSymbols && !symbol) throw violation('Password should have at least one symbol');
}

/** How many earlier password hashes are kept per user (PasswordReusePrevention's maximum). */
export const PASSWORD_HISTORY = 24;

/** Refuse a password among the user's last `n` (current included). */
export async function checkReuse(users: UserRepository, userId: string, password: string, policy: PasswordPolicy | null): Promise<void> {
  const n = policy?.passwordReusePrevention;
  if (!n) return;
  for (const h of await users.passwordHistory(userId, n)) {
    if (await verifyPassword(password, h)) throw violation(`Password should not be one of your last ${n} passwords`);
  }
}

/** Record the new password in the user's history. */
export const remember = (users: UserRepository, userId: string, hash: string, now: Date) => users.rememberPassword(userId, hash, now, PASSWORD_HISTORY);

export const noSuchLoginProfile = (name: string) => Errors.noSuchEntity(`Login Profile for User ${name} cannot be found.`);

/** CreateLoginProfile's Password: optional in the model (an AssumeRoot session omits it), required for every other caller. */
export const passwordRequired = () => Errors.validation("1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null");
