import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { Errors } from '../../errors/index.js';
import type { Input } from '../../awsquery/input.js';
import type { Q } from './shared.js';

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

export const readPassword = (p: Input, field: string, required: boolean) =>
  p.string(field, { required, min: 1, max: 128, pattern: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/, patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+', sensitive: true });

export interface PasswordPolicy {
  MinimumPasswordLength: number;
  RequireSymbols: boolean;
  RequireNumbers: boolean;
  RequireUppercaseCharacters: boolean;
  RequireLowercaseCharacters: boolean;
  AllowUsersToChangePassword: boolean;
  ExpirePasswords: boolean;
  MaxPasswordAge?: number | undefined;
  PasswordReusePrevention?: number | undefined;
  HardExpiry?: boolean | undefined;
}

interface PolicyRow {
  minimum_password_length: number;
  require_symbols: boolean;
  require_numbers: boolean;
  require_uppercase_characters: boolean;
  require_lowercase_characters: boolean;
  allow_users_to_change_password: boolean;
  max_password_age: number | null;
  password_reuse_prevention: number | null;
  hard_expiry: boolean;
}

export async function loadPolicy(q: Q, accountId: string): Promise<PasswordPolicy | undefined> {
  const r = await q.query<PolicyRow>('SELECT * FROM account_password_policy WHERE account_id = $1', [accountId]);
  const row = r.rows[0];
  if (!row) return undefined;
  return {
    MinimumPasswordLength: row.minimum_password_length,
    RequireSymbols: row.require_symbols,
    RequireNumbers: row.require_numbers,
    RequireUppercaseCharacters: row.require_uppercase_characters,
    RequireLowercaseCharacters: row.require_lowercase_characters,
    AllowUsersToChangePassword: row.allow_users_to_change_password,
    ExpirePasswords: row.max_password_age !== null,
    MaxPasswordAge: row.max_password_age ?? undefined,
    PasswordReusePrevention: row.password_reuse_prevention ?? undefined,
    HardExpiry: row.hard_expiry,
  };
}

const SYMBOLS = /[!@#$%^&*()_+\-=[\]{}|']/;
const violation = (m: string) => Errors.passwordPolicyViolation(m);

/**
 * Throws PasswordPolicyViolation unless `password` satisfies the account's policy; without
 * one, AWS's default: at least 8 characters, three of uppercase / lowercase / numbers /
 * symbols, and not the account id or user name.
 */
export function checkPolicy(password: string, policy: PasswordPolicy | undefined, names: string[]): void {
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
  if (password.length < policy.MinimumPasswordLength) throw violation(`Password should have a minimum length of ${policy.MinimumPasswordLength}`);
  if (policy.RequireUppercaseCharacters && !upper) throw violation('Password should have at least one uppercase letter');
  if (policy.RequireLowercaseCharacters && !lower) throw violation('Password should have at least one lowercase letter');
  if (policy.RequireNumbers && !digit) throw violation('Password should have at least one number');
  if (policy.RequireSymbols && !symbol) throw violation('Password should have at least one symbol');
}

/** Refuse a password among the user's last `n` (current included); then record the new one. */
export async function checkReuse(q: Q, userId: string, password: string, policy: PasswordPolicy | undefined): Promise<void> {
  const n = policy?.PasswordReusePrevention;
  if (!n) return;
  const r = await q.query<{ password_hash: string }>(
    'SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2',
    [userId, n],
  );
  for (const h of r.rows) {
    if (await verifyPassword(password, h.password_hash)) throw violation(`Password should not be one of your last ${n} passwords`);
  }
}

export async function remember(q: Q, userId: string, hash: string, now: Date): Promise<void> {
  await q.query('INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)', [userId, hash, now]);
  await q.query(
    `DELETE FROM password_history WHERE user_id = $1 AND id NOT IN (SELECT id FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT 24)`,
    [userId],
  );
}

export const noSuchLoginProfile = (name: string) => Errors.noSuchEntity(`Login Profile for User ${name} cannot be found.`);
