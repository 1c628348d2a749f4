import { Errors } from '../errors/index.js';
import { auditMfaLockouts, verifyMfaCode, type MfaLockKind } from '../iam/mfa-check.js';
import type { AuthedContext } from '../protocols/operation.js';

/**
 * SerialNumber + TokenCode on AssumeRole / GetSessionToken: both or neither; the code is
 * checked (once: replay is refused) against the virtual MFA device enabled for the caller's
 * own IAM user (root: the account's root user). Session credentials carry the user behind them.
 */
export interface MfaInput {
  serialNumber: string | undefined;
  tokenCode: string | undefined;
}

export const mfaOf = (i: { SerialNumber?: string | undefined; TokenCode?: string | undefined }): MfaInput => ({ serialNumber: i.SerialNumber, tokenCode: i.TokenCode });

export const INVALID_CODE = 'MultiFactorAuthentication failed with invalid MFA one time pass code.';
export const LOCKED_MESSAGE: Record<MfaLockKind, string> = {
  device: 'MultiFactorAuthentication failed: the MFA device is temporarily locked after too many invalid one time pass codes. Try again later.',
  user: 'MultiFactorAuthentication failed: MFA is temporarily locked for this user after too many invalid one time pass codes. Try again later.',
};

/**
 * True when a valid code was given; throws AccessDenied when one was given and is wrong, or
 * while the device or the user is locked for too many wrong codes (then the code is not
 * checked: the right one is refused too). `operation` names the action in lockout audit events.
 */
export async function checkMfa(ctx: AuthedContext, m: MfaInput, operation: 'AssumeRole' | 'GetSessionToken'): Promise<boolean> {
  if (m.serialNumber === undefined && m.tokenCode === undefined) return false;
  if (m.serialNumber === undefined || m.tokenCode === undefined) {
    throw Errors.validation(m.serialNumber === undefined ? 'SerialNumber is required when TokenCode is provided.' : 'TokenCode is required when SerialNumber is provided.');
  }
  const c = ctx.caller;
  const userId = c.session?.parentUserId ?? c.principalId;
  ctx.audit.mfaSerialNumber = m.serialNumber;
  const v = await verifyMfaCode(ctx.services, { accountId: c.accountId, userId, serialNumber: m.serialNumber, code: m.tokenCode, now: ctx.req.now });
  await auditMfaLockouts(ctx, { service: 'sts', operation }, v.lockouts, { serialNumber: m.serialNumber, userId });
  if (!v.ok) {
    ctx.audit.mfa = v.reason === 'locked' ? 'locked' : 'failed';
    if (v.reason === 'locked') {
      ctx.audit.mfaLocked = v.locked;
      throw Errors.accessDenied(LOCKED_MESSAGE[v.locked]);
    }
    throw Errors.accessDenied(INVALID_CODE);
  }
  ctx.audit.mfa = 'ok';
  return true;
}
