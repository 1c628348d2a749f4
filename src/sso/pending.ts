import { createHash } from 'node:crypto';
import type { Services } from '../services.js';
import type { MfaState, SignedInPrincipal } from './types.js';
import { SignInError } from './types.js';

/**
 * A sign-in that proved its first factor but is not a session yet: waiting for the MFA code,
 * the MFA enrolment, or a required password change. Kept in the cache under a digest of this
 * browser's flow cookie for 10 minutes; no session (and no session cookie) exists until every
 * step is done. A new first factor replaces it.
 */
export const PENDING_TTL_SECONDS = 600;

export type PendingStep = 'mfa' | 'enrol' | 'password-change';

export interface PendingSignIn {
  principal: SignedInPrincipal;
  returnTo: string;
  step: PendingStep;
  /** Which factor the MFA step checks: the IAM user's virtual MFA device, or Tessera's sign-in factor (federated). */
  factor: { kind: 'iam-device'; serialNumber: string } | { kind: 'signin' } | undefined;
  /**
   * The profile requires a new password. The change comes AFTER the MFA step: whoever has only
   * the (temporary) password must not be able to change it without the second factor.
   */
  passwordChange?: boolean | undefined;
  /** The MFA step's result, once it passed (carried to the session past the password change). */
  mfa?: MfaState | undefined;
  /** The seed being enrolled, sealed under the master key (never plain in the cache). */
  enrolSeedSealed?: string | undefined;
  createdAt: string;
}

const pendingKey = (flowCookie: string) => `sso:pending:${createHash('sha256').update(`pending:${flowCookie}`).digest('base64url')}`;

type Deps = Pick<Services, 'cache'>;

export async function savePending(s: Deps, flowCookie: string, p: PendingSignIn): Promise<void> {
  await s.cache.set(pendingKey(flowCookie), JSON.stringify(p), PENDING_TTL_SECONDS);
}

export async function loadPending(s: Deps, flowCookie: unknown, step?: PendingStep): Promise<PendingSignIn> {
  const expired = new SignInError('session_expired', 'This sign-in has expired or was already completed. Sign in again.', 400);
  if (typeof flowCookie !== 'string' || flowCookie === '') throw expired;
  const raw = await s.cache.get(pendingKey(flowCookie));
  if (raw === null) throw expired;
  let p: PendingSignIn;
  try {
    p = JSON.parse(raw) as PendingSignIn;
  } catch {
    throw expired;
  }
  if (step !== undefined && p.step !== step) throw expired;
  return p;
}

export async function dropPending(s: Deps, flowCookie: string): Promise<void> {
  await s.cache.del(pendingKey(flowCookie));
}
