import { generateSync, verifySync } from 'otplib';
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';

/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30 s steps) as pure functions of (secret, code, time, last
 * accepted step). No I/O and no clock reads: the caller passes `now` and persists `counter`.
 * A code is accepted only for a time step strictly after `lastCounter`, so a code (or any
 * earlier one) can never be used twice.
 */
export const TOTP_PERIOD = 30;
const crypto = new NodeCryptoPlugin();
const CODE = /^\d{6}$/;

export interface TotpResult {
  ok: boolean;
  /** The time step the code belongs to (store it as the new last counter) when ok. */
  counter: number;
}

export const timeStep = (now: Date) => Math.floor(now.getTime() / 1000 / TOTP_PERIOD);

/** The code for one time step (tests and enrolment use it). */
export const totpAt = (secret: string, step: number) => generateSync({ secret, epoch: step * TOTP_PERIOD, crypto });

/**
 * Verify one code against the current step ±1 (clock drift), refusing any step <= lastCounter.
 */
export function verifyTotp(secret: string, code: string, now: Date, lastCounter: number | null): TotpResult {
  const fail = { ok: false, counter: lastCounter ?? -1 };
  if (!CODE.test(code)) return fail;
  try {
    const r = verifySync({
      secret,
      token: code,
      epoch: Math.floor(now.getTime() / 1000),
      epochTolerance: TOTP_PERIOD,
      crypto,
      ...(lastCounter !== null && lastCounter >= 0 ? { afterTimeStep: lastCounter } : {}),
    });
    if (r.valid && 'timeStep' in r && (lastCounter === null || r.timeStep > lastCounter)) return { ok: true, counter: r.timeStep };
    return fail;
  } catch {
    // otplib throws when afterTimeStep lies beyond the window: nothing can be valid then.
    return fail;
  }
}

/**
 * Two consecutive codes (EnableMFADevice, ResyncMFADevice): code1 for some step s and code2 for
 * s + 1, with s + 1 between `past` steps before and `future` steps after the current step, and
 * s > lastCounter. Returns the step of code2 as the new counter.
 */
export function verifyConsecutive(
  secret: string,
  code1: string,
  code2: string,
  now: Date,
  lastCounter: number | null,
  window: { past: number; future: number } = { past: 10, future: 1 },
): TotpResult {
  const fail = { ok: false, counter: lastCounter ?? -1 };
  if (!CODE.test(code1) || !CODE.test(code2)) return fail;
  const current = timeStep(now);
  try {
    for (let s2 = current + window.future; s2 >= current - window.past; s2--) {
      const s1 = s2 - 1;
      if (lastCounter !== null && s1 <= lastCounter) break;
      if (totpAt(secret, s2) === code2 && totpAt(secret, s1) === code1) return { ok: true, counter: s2 };
    }
  } catch {
    return fail;
  }
  return fail;
}
