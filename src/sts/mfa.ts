import { Errors } from '../errors/index.js';
import { verifyMfaCode } from '../mfa/index.js';
import type { AuthedContext } from '../awsquery/operation.js';
import type { Input } from '../awsquery/input.js';

/**
 * SerialNumber + TokenCode on AssumeRole / GetSessionToken: both or neither; the code is
 * checked (once: replay is refused) against the virtual MFA device enabled for the caller's
 * own IAM user (root: the account's root user). Session credentials carry the user behind them.
 */
export interface MfaInput {
  serialNumber: string | undefined;
  tokenCode: string | undefined;
}

export const readMfa = (p: Input): MfaInput => ({
  serialNumber: p.string('SerialNumber', { min: 9, max: 256, pattern: /^[\w+=/:,.@-]*$/, patternText: '[\\w+=/:,.@-]*' }),
  tokenCode: p.string('TokenCode', { min: 6, max: 6, pattern: /^[\d]*$/, patternText: '[\\d]*', sensitive: true }),
});

/** True when a valid code was given; throws AccessDenied when one was given and is wrong. */
export async function checkMfa(ctx: AuthedContext, m: MfaInput): Promise<boolean> {
  if (m.serialNumber === undefined && m.tokenCode === undefined) return false;
  if (m.serialNumber === undefined || m.tokenCode === undefined) {
    throw Errors.validation(m.serialNumber === undefined ? 'SerialNumber is required when TokenCode is provided.' : 'TokenCode is required when SerialNumber is provided.');
  }
  const c = ctx.caller;
  const userId = c.session?.parentUserId ?? c.principalId;
  ctx.audit.mfaSerialNumber = m.serialNumber;
  const ok = await verifyMfaCode(ctx.services, { accountId: c.accountId, userId, serialNumber: m.serialNumber, code: m.tokenCode, now: ctx.req.now });
  if (!ok) {
    ctx.audit.mfa = 'failed';
    throw Errors.accessDenied('MultiFactorAuthentication failed with invalid MFA one time pass code.');
  }
  ctx.audit.mfa = 'ok';
  return true;
}
