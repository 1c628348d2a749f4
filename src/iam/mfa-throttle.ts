import type { AttemptEntry, Lockout } from '../throttle/attempts.js';
import type { Config } from '../config/index.js';
import type { OpContext } from '../protocols/operation.js';

/**
 * Wrong-MFA-code throttling: every path that checks a TOTP code counts its attempt against the
 * device (`mfa-device:<serial, lower case>`) and its user (`mfa-user:<user id>`; the root user's
 * id is the account id) through services.attempts (src/throttle/attempts.ts), with the policies
 * of config.mfaThrottle. A device is counted only once it is known to be the one the code is
 * checked against (the caller's own enabled device for STS; the account's device for IAM), so
 * nobody can lock somebody else's device by naming it.
 */
export type MfaLockKind = 'device' | 'user';

export const mfaDeviceSubject = (serialNumber: string) => `mfa-device:${serialNumber.toLowerCase()}`;
export const mfaUserSubject = (userId: string) => `mfa-user:${userId}`;
export const lockKind = (subject: string): MfaLockKind => (subject.startsWith('mfa-device:') ? 'device' : 'user');

export function mfaAttemptEntries(config: Pick<Config, 'mfaThrottle'>, s: { serialNumber?: string | undefined; userId: string }): AttemptEntry[] {
  const out: AttemptEntry[] = [];
  if (s.serialNumber !== undefined) out.push({ subject: mfaDeviceSubject(s.serialNumber), policy: config.mfaThrottle.device });
  out.push({ subject: mfaUserSubject(s.userId), policy: config.mfaThrottle.user });
  return out;
}

export interface MfaLockout extends Lockout {
  kind: MfaLockKind;
}

export const asMfaLockouts = (l: readonly Lockout[]): MfaLockout[] => l.map((x) => ({ ...x, kind: lockKind(x.subject) }));

/**
 * Each lock set by this request becomes its own audit event (action and error code
 * `MFALockout`, outcome failure, same request id), besides the request's own event, whose
 * detail notes `mfa: 'failed' | 'locked'` and `mfaLockouts`.
 */
export async function auditMfaLockouts(
  ctx: OpContext,
  at: { service: 'sts' | 'iam'; operation: string },
  lockouts: readonly MfaLockout[],
  who: { serialNumber?: string | undefined; userId: string },
): Promise<void> {
  if (lockouts.length === 0) return;
  const summary = lockouts.map((l) => ({ kind: l.kind, lockedUntil: l.lockedUntil.toISOString(), lockLevel: l.lockLevel, failures: l.failures }));
  ctx.audit.mfaLockouts = summary;
  const c = ctx.caller;
  await Promise.all(
    summary.map((l) =>
      ctx.services.audit.record({
        time: ctx.req.now,
        requestId: ctx.req.requestId,
        service: at.service,
        action: 'MFALockout',
        accountId: c?.accountId,
        principalArn: c?.arn,
        principalId: c?.userId,
        accessKeyId: c?.accessKeyId,
        sourceIp: ctx.req.sourceIp,
        userAgent: ctx.req.userAgent,
        outcome: 'failure',
        errorCode: 'MFALockout',
        detail: { operation: at.operation, lock: l.kind, serialNumber: who.serialNumber, userId: who.userId, lockedUntil: l.lockedUntil, lockLevel: l.lockLevel, failures: l.failures },
      }),
    ),
  );
}
