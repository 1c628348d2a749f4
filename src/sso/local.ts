import { open } from '../keys/envelope.js';
import { verifyTotp } from '../mfa/totp.js';
import { verifyMfaCode, mfaDeviceSubject, mfaUserSubject } from '../iam/mfa-check.js';
import { checkPolicy, checkReuse, hashPassword, remember, verifyPassword } from '../iam/users/password.js';
import { isAwsError } from '../errors/index.js';
import type { Services } from '../services.js';
import type { Lockout } from '../throttle/attempts.js';
import { auditSignIn, type SignInAuditFacts } from './audit.js';
import { addressKey } from './address.js';
import { SignInError, type SignedInPrincipal } from './types.js';

/**
 * Local sign-in: an IAM user of an account with a login profile (the AWS console path), with the
 * user's IAM virtual MFA device as second factor. Wrong passwords are throttled per identity
 * (account + user name, counted whether or not the user exists, so a lockout says nothing about
 * existence) and per source address, in Postgres (services.attempts: every replica, cache
 * restarts). An unknown user costs the same scrypt work as a known one.
 */
export type IamUserPrincipal = Extract<SignedInPrincipal, { kind: 'iam-user' }>;

/** A refusal because a lock is running: the page says until when. */
export class SignInLockedError extends SignInError {
  constructor(readonly until: Date) {
    super('locked', `Too many failed attempts. Sign-in is locked until ${until.toISOString()}.`, 429);
  }
}

type Deps = Pick<Services, 'store' | 'attempts' | 'config' | 'accountId' | 'audit' | 'masterKey'>;

const USER_NAME = /^[\w+=,.@-]{1,64}$/;
const ALIAS = /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/;

let dummyHash: Promise<string> | undefined;
/** A hash of nothing anyone knows: verifying against it costs what a real check costs. */
const dummy = () => (dummyHash ??= hashPassword(`no such user ${Math.random()}`));

export const identitySubject = (accountId: string, userName: string) => `signin-user:${accountId}:${userName.toLowerCase()}`;
export const addressSubject = (ip: string) => `signin-ip:${addressKey(ip)}`;

export function signInAttemptEntries(config: Deps['config'], identity: string, ip: string) {
  return [
    { subject: identity, policy: config.signIn.identity },
    { subject: addressSubject(ip), policy: config.signIn.address, resetOnSuccess: false },
  ];
}

export async function auditLockouts(s: Pick<Services, 'audit'>, req: SignInAuditFacts, lockouts: readonly Lockout[], who: { accountId?: string | undefined; principalArn?: string | undefined; connectorId?: string | undefined; subject?: string | undefined }): Promise<void> {
  for (const l of lockouts) {
    await auditSignIn(s, req, {
      action: 'SignInLockout',
      outcome: 'failure',
      reason: 'locked',
      ...who,
      detail: { lockedSubject: l.subject, lockedUntil: l.lockedUntil.toISOString(), lockLevel: l.lockLevel, failures: l.failures },
    });
  }
}

export interface PasswordResult {
  principal: IamUserPrincipal;
  resetRequired: boolean;
  /** The user's enabled virtual MFA device, when there is one: the sign-in needs its code. */
  mfaSerial: string | undefined;
}

/** Resolves "account ID or alias" (empty: the installation's account). Null when no such account. */
export async function resolveAccount(s: Pick<Services, 'store' | 'accountId'>, account: string): Promise<string | null> {
  const a = account.trim().toLowerCase();
  if (a === '') return s.accountId;
  if (/^\d{12}$/.test(a)) return a;
  if (!ALIAS.test(a)) return null;
  return s.store.accounts.accountOfAlias(a);
}

export async function checkLocalPassword(
  s: Deps,
  req: SignInAuditFacts,
  input: { account: string; userName: string; password: string },
): Promise<PasswordResult> {
  const bad = () => new SignInError('bad_credentials', 'The account, user name or password is wrong.', 401);
  const accountId = (await resolveAccount(s, input.account)) ?? `alias:${input.account.trim().toLowerCase().slice(0, 63)}`;
  const userName = input.userName.trim();
  const identity = identitySubject(accountId, userName.slice(0, 64));
  const who = { accountId: /^\d{12}$/.test(accountId) ? accountId : undefined, subject: userName.slice(0, 64) };
  const gate = await s.attempts.begin(signInAttemptEntries(s.config, identity, req.sourceIp), req.now);
  if (!gate.allowed) {
    await auditLockouts(s, req, gate.lockouts, who);
    await auditSignIn(s, req, { action: 'SignIn', outcome: 'failure', reason: 'locked', ...who, detail: { method: 'password', lockedUntil: gate.locked.lockedUntil.toISOString() } });
    throw new SignInLockedError(gate.locked.lockedUntil);
  }
  let ok = false;
  let result: PasswordResult | undefined;
  try {
    const plausible = /^\d{12}$/.test(accountId) && USER_NAME.test(userName) && input.password.length >= 1 && input.password.length <= 128;
    const user = plausible ? await s.store.users.get(accountId, userName) : null;
    const profile = user && !user.isRoot ? await s.store.users.loginProfile(user.id) : null;
    const pwOk = await verifyPassword(input.password.slice(0, 128), profile?.passwordHash ?? (await dummy()));
    ok = pwOk && profile !== null && user !== null;
    if (ok && user && profile) {
      const devices = await s.store.mfa.pageForUser(user.id, { limit: 10 });
      const device = devices.find((d) => d.userId === user.id);
      result = {
        principal: {
          kind: 'iam-user',
          accountId,
          userId: user.id,
          userName: user.name,
          arn: `arn:${s.config.partition}:iam::${accountId}:user${user.path}${user.name}`,
        },
        resetRequired: profile.passwordResetRequired,
        mfaSerial: device?.serialNumber,
      };
    }
  } catch (e) {
    await gate.abandon().catch(() => {});
    throw e;
  }
  if (!ok || !result) {
    const lockouts = await gate.fail();
    await auditSignIn(s, req, { action: 'SignIn', outcome: 'failure', reason: 'bad_credentials', ...who, detail: { method: 'password' } });
    await auditLockouts(s, req, lockouts, who);
    throw bad();
  }
  await gate.succeed();
  // AWS records a console password sign-in as the user's PasswordLastUsed (GetUser, credential report).
  await s.store.users.markPasswordUsed(result.principal.userId, req.now);
  return result;
}

/**
 * The TOTP step of a local sign-in: the IAM device's code, through the same check STS uses
 * (iam/mfa-check.ts: once only, ±1 step, device and user lockouts), plus the per-address count.
 */
export async function checkLocalMfa(s: Deps, req: SignInAuditFacts, p: IamUserPrincipal, serialNumber: string, code: string): Promise<void> {
  const who = { accountId: p.accountId, principalArn: p.arn, subject: p.userName };
  const ipGate = await s.attempts.begin([{ subject: addressSubject(req.sourceIp), policy: s.config.signIn.address, resetOnSuccess: false }], req.now);
  if (!ipGate.allowed) {
    await auditLockouts(s, req, ipGate.lockouts, who);
    await auditSignIn(s, req, { action: 'MfaCode', outcome: 'failure', reason: 'locked', ...who, detail: { factor: 'iam-device' } });
    throw new SignInLockedError(ipGate.locked.lockedUntil);
  }
  let verdict;
  try {
    verdict = await verifyMfaCode(s, { accountId: p.accountId, userId: p.userId, serialNumber, code: code.slice(0, 16), now: req.now });
  } catch (e) {
    await ipGate.abandon().catch(() => {});
    throw e;
  }
  if (verdict.ok) {
    await ipGate.succeed();
    await auditSignIn(s, req, { action: 'MfaCode', outcome: 'success', ...who, detail: { factor: 'iam-device', serialNumber } });
    return;
  }
  if (verdict.reason === 'locked') {
    await ipGate.abandon();
    await auditLockouts(s, req, verdict.lockouts, who);
    await auditSignIn(s, req, { action: 'MfaCode', outcome: 'failure', reason: 'locked', ...who, detail: { factor: 'iam-device', locked: verdict.locked } });
    throw new SignInLockedError(verdict.lockedUntil);
  }
  const lockouts = [...(await ipGate.fail()), ...verdict.lockouts];
  const replayed = await isReplay(s, p, serialNumber, code, req.now);
  const reason = replayed ? 'mfa_replayed' : 'mfa_invalid';
  await auditSignIn(s, req, { action: 'MfaCode', outcome: 'failure', reason, ...who, detail: { factor: 'iam-device', serialNumber } });
  await auditLockouts(s, req, lockouts, who);
  throw new SignInError(reason, replayed ? 'This code was already used. Wait for the next code.' : 'The code is not valid. Check the time on your device and try again.', 401);
}

/** Only for the audit reason and the message: was this the right code of an already spent step? */
async function isReplay(s: Deps, p: IamUserPrincipal, serialNumber: string, code: string, now: Date): Promise<boolean> {
  try {
    const device = await s.store.mfa.enabledFor(p.accountId, p.userId, serialNumber);
    if (!device) return false;
    const secret = open(s.masterKey, device.seedSealed, serialNumber).toString('utf8');
    const v = verifyTotp(secret, code, now, null);
    return v.ok && device.lastCounter !== undefined && v.counter <= device.lastCounter;
  } catch {
    return false;
  }
}

// Keep the subjects' names in one place for tests and operators.
export { mfaDeviceSubject, mfaUserSubject };

/**
 * The required password change before a session exists (PasswordResetRequired): the current
 * password again, the account policy (checkPolicy) and reuse prevention, written as
 * ChangePassword writes it (iam/users/password.ts).
 */
export async function changeRequiredPassword(
  s: Deps,
  req: SignInAuditFacts,
  p: IamUserPrincipal,
  input: { oldPassword: string; newPassword: string; confirm: string },
): Promise<void> {
  const who = { accountId: p.accountId, principalArn: p.arn, subject: p.userName };
  const gate = await s.attempts.begin(signInAttemptEntries(s.config, identitySubject(p.accountId, p.userName), req.sourceIp), req.now);
  if (!gate.allowed) {
    await auditLockouts(s, req, gate.lockouts, who);
    throw new SignInLockedError(gate.locked.lockedUntil);
  }
  let ok = false;
  try {
    const profile = await s.store.users.loginProfile(p.userId);
    ok = profile !== null && (await verifyPassword(input.oldPassword.slice(0, 128), profile.passwordHash));
  } catch (e) {
    await gate.abandon().catch(() => {});
    throw e;
  }
  if (!ok) {
    const lockouts = await gate.fail();
    await auditSignIn(s, req, { action: 'PasswordChange', outcome: 'failure', reason: 'bad_credentials', ...who });
    await auditLockouts(s, req, lockouts, who);
    throw new SignInError('bad_credentials', 'The current password is wrong.', 401);
  }
  await gate.succeed();
  const refuse = (m: string) => new SignInError('password_reset_required', m, 400);
  // Every refused change is audited, not only the policy's.
  const early = input.newPassword !== input.confirm ? 'The new passwords do not match.'
    : input.newPassword.length > 128 ? 'Password should have a maximum length of 128'
    : input.newPassword === input.oldPassword ? 'The new password must be different from the current one.' : undefined;
  if (early) {
    await auditSignIn(s, req, { action: 'PasswordChange', outcome: 'failure', reason: 'password_policy', ...who });
    throw refuse(early);
  }
  const policy = await s.store.accounts.passwordPolicy(p.accountId);
  try {
    checkPolicy(input.newPassword, policy, [p.userName, p.accountId]);
    const hash = await hashPassword(input.newPassword);
    await s.store.tx(async (t) => {
      await t.users.loginProfile(p.userId, { lock: true });
      await checkReuse(t.users, p.userId, input.newPassword, policy);
      await t.users.updateLoginProfile(p.userId, { passwordHash: hash, passwordChangedAt: req.now, passwordResetRequired: false });
      await remember(t.users, p.userId, hash, req.now);
    });
  } catch (e) {
    if (isAwsError(e) && e.code === 'PasswordPolicyViolation') {
      await auditSignIn(s, req, { action: 'PasswordChange', outcome: 'failure', reason: 'password_policy', ...who });
      throw refuse(e.message);
    }
    throw e;
  }
  await auditSignIn(s, req, { action: 'PasswordChange', outcome: 'success', ...who });
}
