import { describe, expect, it } from 'vitest';
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  IAMClient,
  ResyncMFADeviceCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { useTessera, type TestInstance, type TestTessera } from '../support/tessera.js';
import { rejection } from '../support/clients.js';
import { timeStep, totpAt } from '../../src/mfa/index.js';
import { mfaDeviceSubject, mfaUserSubject, verifyMfaCode } from '../../src/iam/mfa-check.js';
import { lockCacheKey } from '../../src/throttle/attempts.js';
import { trustAws } from '../sts/support.js';

/**
 * Wrong MFA codes lock the device (5 in 5 min → 15 min, doubling) and the user (20 in 15 min)
 * on every path that checks a code; while locked the right code is refused too, on every
 * replica, even after the cache is emptied; the lock ends with its time (injected clock).
 */
let clock = new Date(Math.floor(Date.now() / 30_000) * 30_000 + 10_000);
const advance = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000);
};

let t: TestTessera;
let other: TestInstance;
useTessera(
  async (started) => {
    t = started;
    other = await t.replica();
  },
  { now: () => clock },
);

type Creds = { accessKeyId: string; secretAccessKey: string };
const offset = () => clock.getTime() - Date.now();
const sts = (c: Creds, url = t.url) => new STSClient({ endpoint: url, region: 'us-east-1', credentials: c, maxAttempts: 1, systemClockOffset: offset() });
const iam = (url = t.url) => new IAMClient({ endpoint: url, region: 'us-east-1', credentials: t.root, maxAttempts: 1, systemClockOffset: offset() });

const INVALID_STS = 'MultiFactorAuthentication failed with invalid MFA one time pass code.';
const LOCKED_STS_DEVICE = 'MultiFactorAuthentication failed: the MFA device is temporarily locked after too many invalid one time pass codes. Try again later.';
const LOCKED_STS_USER = 'MultiFactorAuthentication failed: MFA is temporarily locked for this user after too many invalid one time pass codes. Try again later.';
const INVALID_IAM = 'Authentication code for device is not valid.';
const LOCKED_IAM_DEVICE = 'MFA device is temporarily locked after too many invalid authentication codes. Try again later.';

const step = () => timeStep(clock);
/** A 6-digit code that is none of the device's valid codes around now (±3 steps). */
const validMemo = new Map<string, Set<string>>();
function wrong(seed: string, salt = 0): string {
  const key = `${seed}:${step()}`;
  let valid = validMemo.get(key);
  if (!valid) {
    valid = new Set(Array.from({ length: 7 }, (_, i) => totpAt(seed, step() - 3 + i)));
    validMemo.set(key, valid);
  }
  for (let n = salt; ; n = (n + 7919) % 1_000_000) {
    const c = String(n).padStart(6, '0');
    if (!valid.has(c)) return c;
  }
}

async function user(name: string) {
  const u = (await iam().send(new CreateUserCommand({ UserName: name }))).User!;
  const k = (await iam().send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { name, userId: u.UserId!, arn: u.Arn!, creds: { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! } };
}

async function device(name: string) {
  const d = (await iam().send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name }))).VirtualMFADevice!;
  return { serial: d.SerialNumber!, seed: Buffer.from(d.Base32StringSeed!).toString('utf8') };
}

/** A user with an enabled device; the current step's code is still unused. */
async function userWithDevice(name: string) {
  const u = await user(name);
  const d = await device(`${name}-dev`);
  const s = step();
  await iam().send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: d.serial, AuthenticationCode1: totpAt(d.seed, s - 2), AuthenticationCode2: totpAt(d.seed, s - 1) }));
  return { ...u, ...d };
}

const gst = (c: Creds, serial: string, code: string, url?: string) => rejection(sts(c, url).send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: code })));

async function lockouts(action = 'MFALockout') {
  return (await t.database.db.query(`SELECT service, error_code, outcome, detail FROM audit_events WHERE action = $1 ORDER BY id`, [action])).rows;
}

describe('MFA lockout', () => {
  it('GetSessionToken: the 5th wrong code locks the device; the right code is then refused on every replica, after the cache is emptied, until the lock ends', async () => {
    const u = await userWithDevice('gst');
    for (let i = 0; i < 5; i++) {
      const e = await gst(u.creds, u.serial, wrong(u.seed, i));
      expect([e.name, e.message, e.$metadata.httpStatusCode]).toEqual(['AccessDenied', INVALID_STS, 403]);
    }
    const right = totpAt(u.seed, step());
    const locked = await gst(u.creds, u.serial, right);
    expect([locked.name, locked.message]).toEqual(['AccessDenied', LOCKED_STS_DEVICE]);
    const elsewhere = await gst(u.creds, u.serial, right, other.url);
    expect([elsewhere.name, elsewhere.message]).toEqual(['AccessDenied', LOCKED_STS_DEVICE]);

    // The lockout is audited once, with its own event; the refused request says why.
    const events = (await lockouts()).filter((r) => r.detail.serialNumber === u.serial);
    expect(events).toEqual([
      {
        service: 'sts',
        error_code: 'MFALockout',
        outcome: 'failure',
        detail: {
          operation: 'GetSessionToken',
          lock: 'device',
          serialNumber: u.serial,
          userId: u.userId,
          lockedUntil: new Date(clock.getTime() + 900_000).toISOString(),
          lockLevel: 1,
          failures: 5,
        },
      },
    ]);
    const refused = (await t.database.db.query(`SELECT error_code, detail FROM audit_events WHERE action = 'GetSessionToken' AND detail->>'mfaSerialNumber' = $1 ORDER BY id`, [u.serial])).rows;
    expect(refused.map((r) => [r.error_code, r.detail.mfa])).toEqual([
      ...Array(5).fill(['AccessDenied', 'failed']),
      ['AccessDenied', 'locked'],
      ['AccessDenied', 'locked'],
    ]);

    // An emptied cache does not lift the lock: Postgres holds it.
    await t.services.cache.del(lockCacheKey(mfaDeviceSubject(u.serial)));
    await t.services.cache.del(lockCacheKey(mfaUserSubject(u.userId)));
    expect((await gst(u.creds, u.serial, right, other.url)).message).toBe(LOCKED_STS_DEVICE);
    advance(899);
    expect((await gst(u.creds, u.serial, totpAt(u.seed, step()))).message).toBe(LOCKED_STS_DEVICE);

    advance(2);
    const ok = await sts(u.creds, other.url).send(new GetSessionTokenCommand({ SerialNumber: u.serial, TokenCode: totpAt(u.seed, step()) }));
    expect(ok.Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });

  it('AssumeRole with SerialNumber: locked after 5 wrong codes, the right code refused on both replicas, accepted once the lock is over', async () => {
    const u = await userWithDevice('ar');
    // Created through this file's clock-offset client: the server's clock has been moved on.
    const trust = { Version: '2012-10-17', Statement: [trustAws(u.arn, 'sts:AssumeRole', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })] };
    const created = await iam().send(new CreateRoleCommand({ RoleName: 'MfaOnly', AssumeRolePolicyDocument: JSON.stringify(trust) }));
    const role = { arn: created.Role!.Arn! };
    const assume = (code: string, url?: string) =>
      sts(u.creds, url).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'lock', SerialNumber: u.serial, TokenCode: code }));
    for (let i = 0; i < 5; i++) expect((await rejection(assume(wrong(u.seed, i), i % 2 ? other.url : undefined))).message).toBe(INVALID_STS);
    for (const url of [t.url, other.url]) {
      const e = await rejection(assume(totpAt(u.seed, step()), url));
      expect([e.name, e.message]).toEqual(['AccessDenied', LOCKED_STS_DEVICE]);
    }
    expect((await lockouts()).filter((r) => r.detail.serialNumber === u.serial).map((r) => r.detail.operation)).toEqual(['AssumeRole']);
    advance(901);
    const ok = await assume(totpAt(u.seed, step()), other.url);
    expect(ok.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${t.accountId}:assumed-role/MfaOnly/lock`);
  });

  it('EnableMFADevice: 5 wrong code pairs lock the device; the right pair is refused until the lock ends', async () => {
    await user('en');
    const d = await device('en-dev');
    const enable = (c1: string, c2: string, url?: string) =>
      iam(url).send(new EnableMFADeviceCommand({ UserName: 'en', SerialNumber: d.serial, AuthenticationCode1: c1, AuthenticationCode2: c2 }));
    for (let i = 0; i < 5; i++) {
      const e = await rejection(enable(wrong(d.seed, i), wrong(d.seed, i + 1), i % 2 ? other.url : undefined));
      expect([e.name, e.message, e.$metadata.httpStatusCode]).toEqual(['InvalidAuthenticationCodeException', INVALID_IAM, 403]);
    }
    for (const url of [t.url, other.url]) {
      const e = await rejection(enable(totpAt(d.seed, step() - 1), totpAt(d.seed, step()), url));
      expect([e.name, e.message, e.$metadata.httpStatusCode]).toEqual(['InvalidAuthenticationCodeException', LOCKED_IAM_DEVICE, 403]);
    }
    const ev = (await lockouts()).filter((r) => r.detail.serialNumber === d.serial);
    expect(ev.map((r) => [r.service, r.error_code, r.detail.operation, r.detail.lock])).toEqual([['iam', 'MFALockout', 'EnableMFADevice', 'device']]);
    advance(901);
    await enable(totpAt(d.seed, step() - 1), totpAt(d.seed, step()));
  });

  it('ResyncMFADevice: 5 wrong code pairs lock the device; the right pair is refused until the lock ends', async () => {
    const u = await userWithDevice('rs');
    const resync = (c1: string, c2: string, url?: string) =>
      iam(url).send(new ResyncMFADeviceCommand({ UserName: 'rs', SerialNumber: u.serial, AuthenticationCode1: c1, AuthenticationCode2: c2 }));
    for (let i = 0; i < 5; i++) expect((await rejection(resync(wrong(u.seed, i), wrong(u.seed, i + 3)))).message).toBe(INVALID_IAM);
    for (const url of [t.url, other.url]) {
      const e = await rejection(resync(totpAt(u.seed, step() + 1), totpAt(u.seed, step() + 2), url));
      expect([e.name, e.message]).toEqual(['InvalidAuthenticationCodeException', LOCKED_IAM_DEVICE]);
    }
    advance(901);
    await resync(totpAt(u.seed, step() + 1), totpAt(u.seed, step() + 2));
  });

  it('20 wrong codes across a user’s devices lock MFA for the user: a further device’s right code is refused', async () => {
    const u = await user('multi');
    const devs = [];
    for (let n = 0; n < 5; n++) {
      const d = await device(`multi-${n}`);
      const s = step();
      await iam().send(new EnableMFADeviceCommand({ UserName: 'multi', SerialNumber: d.serial, AuthenticationCode1: totpAt(d.seed, s - 2), AuthenticationCode2: totpAt(d.seed, s - 1) }));
      devs.push(d);
    }
    for (const d of devs.slice(0, 4)) {
      for (let i = 0; i < 5; i++) expect((await gst(u.creds, d.serial, wrong(d.seed, i))).message).toBe(INVALID_STS);
    }
    const last = devs[4]!;
    const e = await gst(u.creds, last.serial, totpAt(last.seed, step()), other.url);
    expect([e.name, e.message]).toEqual(['AccessDenied', LOCKED_STS_USER]);
    const userLocks = (await lockouts()).filter((r) => r.detail.userId === u.userId && r.detail.lock === 'user');
    expect(userLocks.map((r) => [r.detail.failures, r.detail.lockLevel])).toEqual([[20, 1]]);
    advance(901);
    await sts(u.creds).send(new GetSessionTokenCommand({ SerialNumber: last.serial, TokenCode: totpAt(last.seed, step()) }));
  });

  it('concurrent wrong codes on two replicas are counted together: at most 5 are checked, then the right code is refused', async () => {
    const u = await userWithDevice('conc');
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => gst(u.creds, u.serial, wrong(u.seed, i), i % 2 ? other.url : t.url)));
    const messages = results.map((e) => e.message);
    expect(messages.filter((m) => m === INVALID_STS).length).toBeLessThanOrEqual(5);
    expect(messages.filter((m) => m !== INVALID_STS && m !== LOCKED_STS_DEVICE)).toEqual([]);
    expect((await gst(u.creds, u.serial, totpAt(u.seed, step()), other.url)).message).toBe(LOCKED_STS_DEVICE);
    const row = await t.database.db.query(`SELECT locked_until FROM attempt_throttles WHERE subject = $1`, [mfaDeviceSubject(u.serial)]);
    expect(row.rows[0]?.locked_until).toEqual(new Date(clock.getTime() + 900_000));
    advance(901);
  });

  it('naming another user’s device counts nothing against it (nobody can lock someone else out)', async () => {
    const victim = await userWithDevice('victim');
    const mallory = await user('mallory');
    for (let i = 0; i < 12; i++) expect((await gst(mallory.creds, victim.serial, wrong(victim.seed, i))).message).toBe(INVALID_STS);
    await sts(victim.creds).send(new GetSessionTokenCommand({ SerialNumber: victim.serial, TokenCode: totpAt(victim.seed, step()) }));
    advance(901); // mallory's own MFA lock (12 < 20: none) is not this test's business
  });

  it('10,000 guesses, the right code among them, never yield a session; 200 of them through the SDK', async () => {
    // Through the SDK: the first 5 wrong codes lock; then 195 attempts, the right code in every
    // batch, are all refused.
    const s = await userWithDevice('sdk-bulk');
    for (let i = 0; i < 5; i++) expect((await gst(s.creds, s.serial, wrong(s.seed, i))).message).toBe(INVALID_STS);
    for (let b = 0; b < 13; b++) {
      const batch = Array.from({ length: 15 }, (_, i) => (i === b % 15 ? totpAt(s.seed, step()) : wrong(s.seed, b * 15 + i)));
      const out = await Promise.all(batch.map((code, i) => gst(s.creds, s.serial, code, i % 2 ? other.url : t.url)));
      expect(out.map((e) => [e.name, e.message])).toEqual(batch.map(() => ['AccessDenied', LOCKED_STS_DEVICE]));
    }

    // In process, the same check the operations make: 20 rounds of 500 guesses. Each round
    // starts after the previous lock is over: 5 wrong codes (checked, the 5th locks), then 495
    // at once with the right code among them — all refused as locked. Locks double each round.
    const u = await userWithDevice('bulk');
    const counts = { ok: 0, invalid: 0, locked: 0 };
    let until = clock;
    for (let round = 0; round < 20; round++) {
      clock = new Date(until.getTime() + 1000);
      const base = { accountId: t.accountId, userId: u.userId, serialNumber: u.serial, now: clock };
      for (let i = 0; i < 5; i++) {
        const v = await verifyMfaCode(t.services, { ...base, code: wrong(u.seed, round * 500 + i) });
        counts[v.ok ? 'ok' : v.reason]++;
        if (i === 4) {
          expect(v.lockouts.map((l) => l.kind)).toEqual(['device']);
          until = v.lockouts[0]!.lockedUntil;
        }
      }
      const at = (round * 37) % 495;
      const guesses = Array.from({ length: 495 }, (_, i) => (i === at ? totpAt(u.seed, timeStep(clock)) : wrong(u.seed, round * 500 + 5 + i)));
      const verdicts = await Promise.all(guesses.map((code, i) => verifyMfaCode(i % 2 ? other.services : t.services, { ...base, code })));
      for (const v of verdicts) counts[v.ok ? 'ok' : v.reason]++;
    }
    expect(counts).toEqual({ ok: 0, invalid: 100, locked: 9900 });
    // Doubling reached the cap: the last lock lasted TESSERA_MFA_MAX_LOCK_SECONDS (4 h).
    expect(until.getTime() - clock.getTime()).toBe(14_400_000);
  }, 240_000);
});
