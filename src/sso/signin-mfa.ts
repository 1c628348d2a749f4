import { createHash } from 'node:crypto';
import { open, seal } from '../keys/envelope.js';
import { newTotpSeed, otpauthUri, qrPng, verifyConsecutive, verifyTotp } from '../mfa/index.js';
import type { Services } from '../services.js';
import { auditSignIn, type SignInAuditFacts } from './audit.js';
import { addressSubject, auditLockouts, SignInLockedError } from './local.js';
import { SignInError, type SignedInPrincipal } from './types.js';

/**
 * Tessera's own TOTP factor for federated people whose connector requires MFA the IdP did not
 * assert: enrolment at first sign-in (seed, QR code, two consecutive codes as EnableMFADevice),
 * then a code at each sign-in, accepted once (sign_in_mfa.last_counter advanced by one
 * conditional UPDATE), or a recovery code (10, shown once, each usable once). Recovery codes
 * carry 64 random bits, so they are stored as SHA-256 of (principal, code), as API tokens are:
 * guessing one offline is 2^64 work, and no key is involved that rotate-master-key would
 * invalidate. Wrong codes are throttled per identity and per source address like passwords.
 */
export const RECOVERY_CODES = 10;
const aad = (principalKey: string) => `sign-in-mfa:${principalKey}`;
export const normalizeRecoveryCode = (c: string) => c.toLowerCase().replace(/[\s-]/g, '');
export const recoveryHash = (principalKey: string, code: string) =>
  createHash('sha256').update(`tessera-recovery-code\n${principalKey}\n${normalizeRecoveryCode(code)}`).digest('base64url');
export const mfaSubject = (principalKey: string) => `signin-mfa:${principalKey}`;

type Deps = Pick<Services, 'store' | 'attempts' | 'config' | 'masterKey' | 'audit' | 'random'>;
type Who = { accountId?: string | undefined; principalArn?: string | undefined; connectorId?: string | undefined; subject?: string | undefined };

/**
 * Tessera's factor is keyed by provider and subject. A transient subject (SAML NameID format
 * transient) is new at every sign-in: each would enrol a fresh authenticator, so "MFA" would be
 * proved by the first factor alone. Such an identity cannot take a required second factor here.
 */
export function assertStableSubject(p: SignedInPrincipal): void {
  if (p.kind === 'federated' && p.identity.subjectType === 'transient') {
    throw new SignInError('identity_not_allowed', 'Your identity provider sent a one-time (transient) name for you, so Tessera cannot keep your authenticator, and this sign-in requires one. Ask your administrator to have the identity provider send a persistent NameID.', 403);
  }
}

export async function hasSignInMfa(s: Pick<Services, 'store'>, principalKey: string): Promise<boolean> {
  return (await s.store.loginSessions.mfa(principalKey)) !== null;
}

/** A new seed for enrolment, sealed for the pending sign-in, and what the page shows. */
export async function newEnrolment(s: Pick<Services, 'masterKey' | 'random'>, principalKey: string): Promise<{ sealed: string }> {
  const seed = newTotpSeed(20, (n) => s.random.bytes(n));
  return { sealed: seal(s.masterKey, seed, `enrol:${aad(principalKey)}`).toString('base64') };
}

export async function enrolmentView(s: Pick<Services, 'masterKey'>, principalKey: string, sealed: string, label: string): Promise<{ seed: string; qrDataUrl: string }> {
  const seed = open(s.masterKey, Buffer.from(sealed, 'base64'), `enrol:${aad(principalKey)}`).toString('utf8');
  const png = await qrPng(otpauthUri({ issuer: 'Tessera', label, secret: seed }));
  return { seed, qrDataUrl: `data:image/png;base64,${png.toString('base64')}` };
}

async function gated<T>(s: Deps, req: SignInAuditFacts, principalKey: string, who: Who, action: string, check: () => Promise<'ok' | SignInError>): Promise<void> {
  const gate = await s.attempts.begin(
    [
      { subject: mfaSubject(principalKey), policy: s.config.signIn.identity },
      { subject: addressSubject(req.sourceIp), policy: s.config.signIn.address, resetOnSuccess: false },
    ],
    req.now,
  );
  if (!gate.allowed) {
    await auditLockouts(s, req, gate.lockouts, who);
    await auditSignIn(s, req, { action, outcome: 'failure', reason: 'locked', ...who });
    throw new SignInLockedError(gate.locked.lockedUntil);
  }
  let r: 'ok' | SignInError;
  try {
    r = await check();
  } catch (e) {
    await gate.abandon().catch(() => {});
    throw e;
  }
  if (r === 'ok') {
    await gate.succeed();
    await auditSignIn(s, req, { action, outcome: 'success', ...who });
    return;
  }
  const lockouts = await gate.fail();
  await auditSignIn(s, req, { action, outcome: 'failure', reason: r.reason, ...who });
  await auditLockouts(s, req, lockouts, who);
  throw r;
}

/** Enrolment: two consecutive codes of the pending seed; stores the factor and returns the recovery codes (show them once). */
export async function completeEnrolment(s: Deps, req: SignInAuditFacts, principalKey: string, sealed: string, code1: string, code2: string, who: Who): Promise<string[]> {
  let codes: string[] = [];
  await gated(s, req, principalKey, who, 'MfaEnrol', async () => {
    const seed = open(s.masterKey, Buffer.from(sealed, 'base64'), `enrol:${aad(principalKey)}`).toString('utf8');
    const v = verifyConsecutive(seed, code1.slice(0, 6), code2.slice(0, 6), req.now, null, { past: 2, future: 1 });
    if (!v.ok) return new SignInError('mfa_invalid', 'The codes are not two consecutive codes of this key. Wait for a new code and enter it with the one after it.', 401);
    codes = Array.from({ length: RECOVERY_CODES }, () => {
      const b = s.random.bytes(8).toString('hex');
      return `${b.slice(0, 4)}-${b.slice(4, 8)}-${b.slice(8, 12)}-${b.slice(12, 16)}`;
    });
    const stored = await s.store.loginSessions.insertMfa(
      { principalKey, seedSealed: seal(s.masterKey, seed, aad(principalKey)), lastCounter: v.counter, createdAt: req.now },
      codes.map((c) => recoveryHash(principalKey, c)),
    );
    if (!stored) return new SignInError('mfa_invalid', 'An authenticator is already set up for this identity. Sign in again and enter its code.', 409);
    return 'ok';
  });
  return codes;
}

/** A code of the enrolled factor: ±1 step, each step once. */
export async function checkSignInCode(s: Deps, req: SignInAuditFacts, principalKey: string, code: string, who: Who): Promise<void> {
  await gated(s, req, principalKey, who, 'MfaCode', async () => {
    const rec = await s.store.loginSessions.mfa(principalKey);
    if (!rec) return new SignInError('mfa_invalid', 'No authenticator is set up for this identity.', 401);
    const seed = open(s.masterKey, rec.seedSealed, aad(principalKey)).toString('utf8');
    const c = code.slice(0, 16);
    const v = verifyTotp(seed, c, req.now, rec.lastCounter);
    if (v.ok && (await s.store.loginSessions.consumeMfaCounter(principalKey, v.counter))) return 'ok';
    const fresh = verifyTotp(seed, c, req.now, null);
    if (fresh.ok) return new SignInError('mfa_replayed', 'This code was already used. Wait for the next code.', 401);
    return new SignInError('mfa_invalid', 'The code is not valid. Check the time on your device and try again.', 401);
  });
}

export async function useRecoveryCode(s: Deps, req: SignInAuditFacts, principalKey: string, code: string, who: Who): Promise<void> {
  await gated(s, req, principalKey, who, 'RecoveryCode', async () => {
    const c = code.slice(0, 64);
    if (normalizeRecoveryCode(c).length !== 16) return new SignInError('mfa_invalid', 'That is not a recovery code of this identity, or it was used already.', 401);
    const ok = await s.store.loginSessions.useRecoveryCode(principalKey, recoveryHash(principalKey, c), req.now);
    return ok ? 'ok' : new SignInError('mfa_invalid', 'That is not a recovery code of this identity, or it was used already.', 401);
  });
}
