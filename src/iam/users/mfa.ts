import { Errors } from '../../errors/index.js';
import type { AuthedContext } from '../../protocols/operation.js';
import type { MfaDevice, MfaRepository } from '../../store/mfa.js';
import { asMfaLockouts, auditMfaLockouts, lockKind, mfaAttemptEntries, type MfaLockKind } from '../mfa-check.js';

export const MFA_DEVICES_PER_USER = 8;

export const noSuchDevice = (serial: string) => Errors.noSuchEntity(`VirtualMFADevice with serial number ${serial} doesn't exist.`);
export const invalidCode = () => Errors.invalidAuthenticationCode('Authentication code for device is not valid.');

export const LOCKED_CODE_MESSAGE: Record<MfaLockKind, string> = {
  device: 'MFA device is temporarily locked after too many invalid authentication codes. Try again later.',
  user: 'MFA is temporarily locked for this user after too many invalid authentication codes. Try again later.',
};

/**
 * EnableMFADevice / ResyncMFADevice codes under the wrong-code throttle of the device and of
 * the user it is (to be) assigned to (iam/mfa-throttle.ts). While either is locked the codes are not
 * checked: InvalidAuthenticationCode with a message saying so. Otherwise the attempt is counted
 * before `check` runs; `check` calls `note(ok)` once it has compared the codes (and throws
 * invalidCode() when they are wrong); a wrong result counts as a failure (and may lock, which is
 * audited), a right one resets the counts, anything else thrown before the comparison gives the
 * attempt back. The counting runs outside `check`'s transaction, so its rollback keeps it.
 */
export async function throttledCodes<T>(
  ctx: AuthedContext,
  operation: 'EnableMFADevice' | 'ResyncMFADevice',
  who: { serialNumber: string; userId: string },
  check: (note: (ok: boolean) => void) => Promise<T>,
): Promise<T> {
  const now = ctx.req.now;
  const gate = await ctx.services.attempts.begin(mfaAttemptEntries(ctx.services.config, who), now);
  const at = { service: 'iam' as const, operation };
  if (!gate.allowed) {
    await auditMfaLockouts(ctx, at, asMfaLockouts(gate.lockouts), who);
    const kind = lockKind(gate.locked.subject);
    Object.assign(ctx.audit, { mfa: 'locked', mfaLocked: kind });
    throw Errors.invalidAuthenticationCode(LOCKED_CODE_MESSAGE[kind]);
  }
  let verified: boolean | undefined;
  let out: T;
  try {
    out = await check((ok) => {
      verified = ok;
    });
  } catch (e) {
    if (verified === false) {
      ctx.audit.mfa = 'failed';
      await auditMfaLockouts(ctx, at, asMfaLockouts(await gate.fail()), who);
    } else {
      await gate.abandon().catch(() => {});
    }
    throw e;
  }
  if (verified === true) await gate.succeed();
  else await gate.abandon();
  return out;
}

/** The account's device `serial` (case-insensitively), or NoSuchEntity; `lock` takes FOR UPDATE. */
export async function findDevice(devices: MfaRepository, accountId: string, serial: string, lock = false): Promise<MfaDevice> {
  const d = await devices.get(accountId, serial, { lock });
  if (!d) throw noSuchDevice(serial);
  return d;
}
