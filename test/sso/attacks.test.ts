import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/log.js';
import { addressKey } from '../../src/sso/address.js';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { Jar, csrfOf, makeLocalUser, signinAudit, testId } from './helpers.js';
import { DeleteLoginProfileCommand } from '@aws-sdk/client-iam';
import { iamClient } from '../support/clients.js';
import { timeStep, totpAt } from '../../src/mfa/totp.js';
import { setUpConnectors, startUpstream, testFactories, type Upstream } from './test-connector.js';

/**
 * Attack cases from an external review of the sign-in flows (issue 11), at the HTTP level: step
 * ordering of the pending sign-in, and the other findings, each pinned by a case.
 */
let t: TestTessera;
let up: Upstream;
beforeAll(async () => {
  t = await startTestTessera({ connectorFactories: testFactories });
  up = await startUpstream();
  await setUpConnectors(t, up, [{ id: 'corp', type: 'oidc' }, { id: 'mfa-saml', type: 'saml', requireMfa: true }]);
});
afterAll(async () => {
  await up?.close();
  await t?.stop();
});

async function passwordStep(j: Jar, name: string, password: string) {
  const form = await j.get('/signin/local');
  return j.post('/signin/local', { csrf: csrfOf(form.text), account: '', username: name, password });
}

describe('a required password change needs the second factor first', () => {
  it('with only the (temporary) password, the password cannot be changed; after the TOTP code it can', async () => {
    const u = await makeLocalUser(t, 'ria', { reset: true, mfa: true });
    const j = new Jar(t.url);
    const r = await passwordStep(j, u.name, u.password);
    expect(r.status).toBe(303);
    expect(r.location).toBe('/signin/mfa');
    // Going straight to the change page, or posting to it, is refused: no change on the password alone.
    expect((await j.get('/signin/password')).status).toBe(400);
    const mfaPage = await j.get('/signin/mfa');
    const skip = await j.post('/signin/password', { csrf: csrfOf(mfaPage.text), old_password: u.password, new_password: 'Hijacked-Pw-1!x', confirm_password: 'Hijacked-Pw-1!x' });
    expect(skip.status).toBe(400);
    // The old password still works (nothing was changed).
    expect((await passwordStep(new Jar(t.url), u.name, u.password)).location).toBe('/signin/mfa');

    const step = timeStep(new Date());
    const code = await j.post('/signin/mfa', { csrf: csrfOf(mfaPage.text), code: totpAt(u.seed!, step > u.lastStep! ? step : u.lastStep! + 1) });
    expect(code.status).toBe(303);
    expect(code.location).toBe('/signin/password');
    expect(j.cookies.has('__Host-tessera-session')).toBe(false);
    const change = await j.get('/signin/password');
    const done = await j.post('/signin/password', { csrf: csrfOf(change.text), old_password: u.password, new_password: 'Brand-New-Pw-2!y', confirm_password: 'Brand-New-Pw-2!y' });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/session');
    const session = await j.get('/session');
    expect(session.status).toBe(200);
    expect(testId(session.text, 'mfa')).toMatch(/yes|totp/i);
    const events = (await signinAudit(t)).filter((a) => a.action === 'SignIn' && a.outcome === 'success').at(-1);
    expect(events?.detail).toMatchObject({ method: 'password+totp', mfa: 'totp' });
  });
});

describe('per-address throttle counts failures, not sign-ins', () => {
  it('many people signing in from one address (an office NAT) are not locked out; wrong passwords from it still are', async () => {
    const s = await startTestTessera({ env: { TESSERA_SIGNIN_ADDRESS_MAX_FAILURES: '3' } });
    try {
      const users = [];
      for (const n of ['nat-a', 'nat-b', 'nat-c', 'nat-d', 'nat-e']) users.push(await makeLocalUser(s, n));
      for (const u of users) {
        const r = await passwordStep(new Jar(s.url), u.name, u.password);
        expect(r.status, `${u.name}: ${testId(r.text, 'error') ?? ''}`).toBe(303);
        expect(r.location).toBe('/session');
      }
      // Three wrong passwords (for different names, so only the address counts): then the address is locked.
      for (const n of ['x1', 'x2', 'x3']) expect((await passwordStep(new Jar(s.url), n, 'wrong')).status).toBe(401);
      expect((await passwordStep(new Jar(s.url), users[0]!.name, users[0]!.password)).status).toBe(429);
    } finally {
      await s.stop();
    }
  });
});

describe('trace logs of the local flows', () => {
  it('carry no password, TOTP code, cookie or CSRF token', async () => {
    const logs: string[] = [];
    const sink = new Writable({ write(chunk, _e, cb) { logs.push(String(chunk)); cb(); } });
    const s = await startTestTessera({ logger: createLogger('trace', sink) });
    try {
      const u = await makeLocalUser(s, 'logan', { mfa: true, reset: true });
      const j = new Jar(s.url);
      await passwordStep(j, u.name, 'Wrong-Secret-Pw-9!');
      const r = await passwordStep(j, u.name, u.password);
      expect(r.location).toBe('/signin/mfa');
      const page = await j.get('/signin/mfa');
      const step = timeStep(new Date());
      const bad = totpAt(u.seed!, step + 30);
      await j.post('/signin/mfa', { csrf: csrfOf(page.text), code: bad });
      const good = totpAt(u.seed!, step > u.lastStep! ? step : u.lastStep! + 1);
      await j.post('/signin/mfa', { csrf: csrfOf(page.text), code: good });
      const ch = await j.get('/signin/password');
      await j.post('/signin/password', { csrf: csrfOf(ch.text), old_password: u.password, new_password: 'Logan-New-Pw-7!z', confirm_password: 'Logan-New-Pw-7!z' });
      expect((await j.get('/session')).status).toBe(200);
      const text = logs.join('');
      expect(logs.length).toBeGreaterThan(0);
      for (const secret of [u.password, 'Wrong-Secret-Pw-9!', 'Logan-New-Pw-7!z', u.seed!, csrfOf(page.text), ...j.cookies.values()]) expect(text).not.toContain(secret);
      // Six digits can occur inside a timestamp by chance: only as a number of their own.
      for (const code of [bad, good]) expect(text).not.toMatch(new RegExp(`(?<![0-9])${code}(?![0-9])`));
    } finally {
      await s.stop();
    }
  });
});

describe('per-address throttle and IPv6', () => {
  it('one /64 is one address; spellings of one address are one key', () => {
    expect(addressKey('2001:db8:1:2::1')).toBe(addressKey('2001:0DB8:1:2:ffff:ffff:ffff:ffff'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('192.0.2.7')).not.toBe(addressKey('192.0.2.8'));
  });

  it('wrong passwords from fresh addresses of one IPv6 /64 lock the /64', async () => {
    const s = await startTestTessera({ env: { TESSERA_SIGNIN_ADDRESS_MAX_FAILURES: '3', TESSERA_TRUST_PROXY_HOPS: '1' } });
    try {
      const attempt = async (from: string, user: string) => {
        const g = await fetch(`${s.url}/signin/local`, { headers: { 'x-forwarded-for': from } });
        const cookie = g.headers.getSetCookie()[0]!.split(';')[0]!;
        const r = await fetch(`${s.url}/signin/local`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'x-forwarded-for': from, cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ csrf: csrfOf(await g.text()), account: '', username: user, password: 'wrong' }).toString(),
        });
        return r.status;
      };
      for (let i = 1; i <= 3; i++) expect(await attempt(`2001:db8:77:1::${i}`, `v6-${i}`)).toBe(401);
      expect(await attempt('2001:db8:77:1:abcd::99', 'v6-next')).toBe(429);
      // Another /64 is another address.
      expect(await attempt('2001:db8:77:2::1', 'v6-other')).toBe(401);
    } finally {
      await s.stop();
    }
  });
});

describe('Tessera keeps a second factor only for a stable subject', () => {
  /** A SP-initiated sign-in through the SAML-style test connector as `login`. */
  async function samlAs(j: Jar, login: string) {
    const start = await j.get('/signin/mfa-saml');
    const sso = new URL(start.location!);
    sso.searchParams.set('login', login);
    const page = await (await fetch(sso)).text();
    const form: Record<string, string> = {};
    for (const m of page.matchAll(/name="(\w+)" value="([^"]*)"/g)) form[m[1]!] = m[2]!;
    return j.post(new URL(sso.searchParams.get('acs')!).pathname, form);
  }

  it('a transient NameID where MFA is required is refused: each sign-in would enrol a fresh authenticator (MFA by the first factor alone)', async () => {
    const j = new Jar(t.url);
    const r = await samlAs(j, 'transient-4f2a');
    expect(r.status).toBe(403);
    expect(testId(r.text, 'reason')).toBe('identity_not_allowed');
    expect((await signinAudit(t)).at(-1)).toMatchObject({ outcome: 'failure', error_code: 'identity_not_allowed', detail: { connectorId: 'mfa-saml' } });
    expect((await j.get('/signin/mfa/enrol')).status).toBe(400);
    expect(j.cookies.has('__Host-tessera-session')).toBe(false);
    // A persistent subject gets the enrolment as before.
    const k = new Jar(t.url);
    expect((await samlAs(k, 'persistent-person')).location).toBe('/signin/mfa/enrol');
  });
});

describe('the pre-auth flow cookie is replaced when a first factor is proven', () => {
  const FLOW = '__Host-tessera-flow';
  it('local: whoever holds the earlier flow cookie cannot reach the MFA step', async () => {
    const u = await makeLocalUser(t, 'fixa', { mfa: true });
    const victim = new Jar(t.url);
    await victim.get('/signin/local');
    const planted = victim.cookies.get(FLOW)!; // what an attacker who planted or read the pre-auth cookie knows
    const r = await passwordStep(victim, u.name, u.password);
    expect(r.location).toBe('/signin/mfa');
    expect(victim.cookies.get(FLOW)).not.toBe(planted);
    const attacker = new Jar(t.url);
    attacker.cookies.set(FLOW, planted);
    expect((await attacker.get('/signin/mfa')).status).toBe(400);
    expect((await victim.get('/signin/mfa')).status).toBe(200);
  });

  it('federated: whoever holds the earlier flow cookie cannot see or complete the enrolment (the new seed)', async () => {
    const victim = new Jar(t.url);
    await victim.get('/signin');
    const planted = victim.cookies.get(FLOW)!;
    const start = await victim.get('/signin/mfa-saml');
    const sso = new URL(start.location!);
    sso.searchParams.set('login', 'fixation-victim');
    const page = await (await fetch(sso)).text();
    const form: Record<string, string> = {};
    for (const m of page.matchAll(/name="(\w+)" value="([^"]*)"/g)) form[m[1]!] = m[2]!;
    const cb = await victim.post(new URL(sso.searchParams.get('acs')!).pathname, form);
    expect(cb.location).toBe('/signin/mfa/enrol');
    expect(victim.cookies.get(FLOW)).not.toBe(planted);
    const attacker = new Jar(t.url);
    attacker.cookies.set(FLOW, planted);
    const seen = await attacker.get('/signin/mfa/enrol');
    expect(seen.status).toBe(400);
    expect(seen.text).not.toContain('otpauth');
    expect((await victim.get('/signin/mfa/enrol')).status).toBe(200);
  });
});

describe('audit of the required password change', () => {
  it('a refused new password (mismatch, same as the old one) is an audit event', async () => {
    const u = await makeLocalUser(t, 'audra', { reset: true });
    const j = new Jar(t.url);
    expect((await passwordStep(j, u.name, u.password)).location).toBe('/signin/password');
    const page = await j.get('/signin/password');
    const before = (await signinAudit(t)).length;
    expect((await j.post('/signin/password', { csrf: csrfOf(page.text), old_password: u.password, new_password: 'Audra-New-1!x', confirm_password: 'Audra-New-1!y' })).status).toBe(400);
    expect((await j.post('/signin/password', { csrf: csrfOf(page.text), old_password: u.password, new_password: u.password, confirm_password: u.password })).status).toBe(400);
    const events = (await signinAudit(t)).slice(before).filter((a) => a.action === 'PasswordChange');
    expect(events.map((e) => [e.outcome, e.error_code])).toEqual([['failure', 'password_policy'], ['failure', 'password_policy']]);
  });
});

describe('the flow cookie outlives the flow bound to it', () => {
  it('starting a sign-in renews the existing flow cookie (same value, a fresh Max-Age), so a page opened 59 minutes ago still works', async () => {
    const j = new Jar(t.url);
    await j.get('/signin');
    const flow = j.cookies.get('__Host-tessera-flow')!;
    const start = await j.get('/signin/corp');
    expect(start.status).toBe(302);
    const set = start.setCookies.find((c) => c.startsWith('__Host-tessera-flow='));
    expect(set).toMatch(new RegExp(`^__Host-tessera-flow=${flow}; .*Max-Age=3600`));
  });
});

describe('removing a user\'s console access ends their sessions', () => {
  it('DeleteLoginProfile ends the live login sessions of that user (and only theirs)', async () => {
    const gone = await makeLocalUser(t, 'leaver');
    const stays = await makeLocalUser(t, 'stayer');
    const a = new Jar(t.url);
    const b = new Jar(t.url);
    expect((await passwordStep(a, gone.name, gone.password)).location).toBe('/session');
    expect((await passwordStep(b, stays.name, stays.password)).location).toBe('/session');
    expect((await a.get('/session')).status).toBe(200);
    await iamClient(t, t.root).send(new DeleteLoginProfileCommand({ UserName: gone.name }));
    const after = await a.get('/session');
    expect(after.status).toBe(303);
    expect(after.location).toBe('/signin');
    expect((await b.get('/session')).status).toBe(200);
  });
});
