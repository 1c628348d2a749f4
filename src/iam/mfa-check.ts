import { open } from '../keys/envelope.js';
import { verifyTotp } from '../mfa/totp.js';
import type { Services } from '../services.js';
import type { MfaDevice } from '../store/mfa.js';
import { asMfaLockouts, lockKind, mfaAttemptEntries, type MfaLockKind, type MfaLockout } from './mfa-throttle.js';

export { auditMfaLockouts, mfaAttemptEntries, mfaDeviceSubject, mfaUserSubject, asMfaLockouts, lockKind, type MfaLockKind, type MfaLockout } from './mfa-throttle.js';

/**
 * verifyMfaCode — the MFA check for STS (AssumeRole / GetSessionToken with SerialNumber +
 * TokenCode) and any other flow that asks for a TOTP code.
 *
 *   await verifyMfaCode(services, { accountId, userId, serialNumber, code, now }) → MfaVerdict
 *
 * ok only when all hold:
 * - neither the user nor the device is locked for too many wrong codes (iam/mfa-throttle.ts): while
 *   locked the code is not even checked (`reason: 'locked'`, `locked` says which);
 * - `serialNumber` names a virtual MFA device of account `accountId` (matched exactly, as AWS
 *   does with the ARN the user passes) that is enabled (assigned) for IAM user `userId`
 *   (the root user's id is the account id);
 * - `code` is the 6-digit TOTP for the step at `now` (±1 step of drift);
 * - the code's step is later than the last step accepted for this device — the device's
 *   counter is advanced with one conditional UPDATE, so of two concurrent uses of one code
 *   (on any replicas) exactly one succeeds, and a code is never accepted twice.
 * Every attempt that is not refused as locked counts against the user, and against the device
 * when it is the user's; `lockouts` lists the locks this attempt set (audit them).
 * Never throws for a wrong or unknown device/code; infrastructure failures (database
 * unreachable) propagate as AwsError. Callers map a verdict that is not ok to their own error
 * (STS: AccessDenied "MultiFactorAuthentication failed with invalid MFA one time pass code.").
 */
export interface VerifyMfaInput {
  accountId: string;
  userId: string;
  serialNumber: string;
  code: string;
  now: Date;
}

export type MfaVerdict =
  | { ok: true; lockouts: MfaLockout[] }
  | { ok: false; reason: 'invalid'; lockouts: MfaLockout[] }
  | { ok: false; reason: 'locked'; locked: MfaLockKind; lockedUntil: Date; lockouts: MfaLockout[] };

export async function verifyMfaCode(services: Pick<Services, 'store' | 'masterKey' | 'attempts' | 'config'>, input: VerifyMfaInput): Promise<MfaVerdict> {
  const device = await services.store.mfa.enabledFor(input.accountId, input.userId, input.serialNumber);
  const gate = await services.attempts.begin(mfaAttemptEntries(services.config, { serialNumber: device?.serialNumber, userId: input.userId }), input.now);
  if (!gate.allowed) {
    return { ok: false, reason: 'locked', locked: lockKind(gate.locked.subject), lockedUntil: gate.locked.lockedUntil, lockouts: asMfaLockouts(gate.lockouts) };
  }
  let ok: boolean;
  try {
    ok = device !== null && /^\d{6}$/.test(input.code) && (await checkCode(services, device, input));
  } catch (e) {
    await gate.abandon().catch(() => {});
    throw e;
  }
  if (ok) {
    await gate.succeed();
    return { ok: true, lockouts: [] };
  }
  return { ok: false, reason: 'invalid', lockouts: asMfaLockouts(await gate.fail()) };
}

async function checkCode(services: Pick<Services, 'store' | 'masterKey'>, device: MfaDevice, input: VerifyMfaInput): Promise<boolean> {
  let secret: string;
  try {
    secret = open(services.masterKey, device.seedSealed, input.serialNumber).toString('utf8');
  } catch {
    return false;
  }
  const v = verifyTotp(secret, input.code, input.now, device.lastCounter ?? null);
  if (!v.ok) return false;
  return consumeCounter(services, input.serialNumber, v.counter);
}

/** Advance a device's last accepted step atomically; false when it was already at or past it. */
export async function consumeCounter(services: Pick<Services, 'store'>, serialNumber: string, counter: number): Promise<boolean> {
  return services.store.mfa.consumeCounter(serialNumber, counter);
}
