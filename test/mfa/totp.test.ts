import { describe, expect, it } from 'vitest';
import { generateSync } from 'otplib';
import { timeStep, totpAt, verifyConsecutive, verifyTotp } from '../../src/mfa/index.js';
import { newTotpSeed, otpauthUri } from '../../src/mfa/enrol.js';

const secret = newTotpSeed();
const now = new Date('2026-11-27T12:00:10Z');
const step = timeStep(now);

describe('verifyTotp (pure)', () => {
  it('accepts the current code and reports its step', () => {
    expect(verifyTotp(secret, totpAt(secret, step), now, null)).toEqual({ ok: true, counter: step });
  });
  it('matches otplib generate for the same time', () => {
    expect(totpAt(secret, step)).toBe(generateSync({ secret, epoch: Math.floor(now.getTime() / 1000) }));
  });
  it('tolerates one step of drift either way, not two', () => {
    expect(verifyTotp(secret, totpAt(secret, step - 1), now, null).ok).toBe(true);
    expect(verifyTotp(secret, totpAt(secret, step + 1), now, null).ok).toBe(true);
    expect(verifyTotp(secret, totpAt(secret, step - 2), now, null).ok).toBe(false);
  });
  it('refuses a replay and any earlier step', () => {
    const first = verifyTotp(secret, totpAt(secret, step), now, null);
    expect(verifyTotp(secret, totpAt(secret, step), now, first.counter).ok).toBe(false);
    expect(verifyTotp(secret, totpAt(secret, step - 1), now, first.counter).ok).toBe(false);
    expect(verifyTotp(secret, totpAt(secret, step + 1), now, first.counter)).toEqual({ ok: true, counter: step + 1 });
  });
  it('refuses malformed codes and a counter beyond the window without throwing', () => {
    expect(verifyTotp(secret, '12345', now, null).ok).toBe(false);
    expect(verifyTotp(secret, 'abcdef', now, null).ok).toBe(false);
    expect(verifyTotp(secret, totpAt(secret, step), now, step + 100).ok).toBe(false);
  });
});

describe('verifyConsecutive (pure)', () => {
  it('accepts two consecutive codes, in order only', () => {
    const a = totpAt(secret, step - 1);
    const b = totpAt(secret, step);
    expect(verifyConsecutive(secret, a, b, now, null)).toEqual({ ok: true, counter: step });
    expect(verifyConsecutive(secret, b, a, now, null).ok).toBe(false);
    expect(verifyConsecutive(secret, totpAt(secret, step - 2), b, now, null).ok).toBe(false);
    expect(verifyConsecutive(secret, a, b, now, step).ok).toBe(false);
  });
});

describe('enrolment', () => {
  it('seeds are 64 base32 characters and the URI carries them', () => {
    expect(secret).toMatch(/^[A-Z2-7]{64}$/);
    expect(otpauthUri({ issuer: 'Tessera', label: 'dev@123', secret })).toBe(`otpauth://totp/Tessera:dev%40123?secret=${secret}&issuer=Tessera`);
  });
});
