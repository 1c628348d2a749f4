import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestInstance, type TestTessera } from '../support/tessera.js';
import { browserAvailable, openBrowser, type TestBrowser } from '../support/browser.js';
import { timeStep, totpAt } from '../../src/mfa/totp.js';
import { Jar, csrfOf, makeLocalUser, signinAudit, testId, type LocalUser } from './helpers.js';

/**
 * Local sign-in (an IAM user's console password + the user's IAM virtual MFA device) in
 * headless Chromium, and its refusals: wrong passwords past the limit lock (also on the other
 * replica), a replayed code, codes from 10 minutes ago and ahead, each audited.
 */
describe.skipIf(!browserAvailable)('local sign-in in Chromium', () => {
  let t: TestTessera;
  let r2: TestInstance;
  let b: TestBrowser;
  let mfaUser: LocalUser;

  beforeAll(async () => {
    t = await startTestTessera({ env: { TESSERA_SIGNIN_MAX_FAILURES: '3' } });
    r2 = await t.replica();
    mfaUser = await makeLocalUser(t, 'maria', { mfa: true });
    b = await openBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await t?.stop();
  });

  const p = () => b.page;
  async function password(u: LocalUser, pw = u.password, base = t.url) {
    await p().goto(`${base}/signin`);
    await p().getByTestId('connector-local').click();
    await p().waitForURL(/\/signin\/local/);
    await p().fill('#account', '');
    await p().fill('#username', u.name);
    await p().fill('#password', pw);
    await Promise.all([p().waitForLoadState('load'), p().click('button[type=submit]')]);
  }
  async function code(c: string) {
    await p().fill('#code', c);
    await Promise.all([p().waitForLoadState('load'), p().click('button[type=submit]')]);
  }

  it('password + TOTP ends on /session with the user ARN and MFA present', async () => {
    await b.context.clearCookies();
    await p().goto(`${t.url}/signin`);
    await b.shot('sso-choose');
    await p().getByTestId('connector-local').click();
    await p().waitForURL(/\/signin\/local/);
    // The first field has focus; the tab order is account → user → password → button.
    expect(await p().evaluate('document.activeElement?.id')).toBe('account');
    await p().keyboard.press('Tab');
    expect(await p().evaluate('document.activeElement?.id')).toBe('username');
    await p().keyboard.press('Tab');
    expect(await p().evaluate('document.activeElement?.id')).toBe('password');
    await b.shot('sso-password');
    await password(mfaUser);
    expect(new URL(p().url()).pathname).toBe('/signin/mfa');
    expect(await p().evaluate('document.activeElement?.id')).toBe('code');
    await b.shot('sso-mfa-code');
    // No session exists before the second factor.
    expect((await b.context.cookies(t.url)).some((c) => c.name === '__Host-tessera-session')).toBe(false);
    const step = timeStep(new Date());
    await code(totpAt(mfaUser.seed!, step));
    mfaUser.lastStep = step;
    expect(new URL(p().url()).pathname).toBe('/session');
    expect(await p().getByTestId('principal').textContent()).toBe(mfaUser.arn);
    expect(await p().getByTestId('mfa').getAttribute('data-present')).toBe('true');
    expect(await p().getByTestId('mfa').getAttribute('data-method')).toBe('totp');
    await b.shot('sso-session-local-mfa');
    // A console-password sign-in is the user's PasswordLastUsed (GetUser), as in AWS.
    const used = (await t.services.store.users.get(t.accountId, mfaUser.name))?.passwordLastUsed;
    expect(used).toBeInstanceOf(Date);
    expect(Date.now() - used!.getTime()).toBeLessThan(60_000);
    const ok = (await signinAudit(t)).filter((a) => a.outcome === 'success' && a.principal_arn === mfaUser.arn).map((a) => a.action);
    expect(ok).toEqual(expect.arrayContaining(['MfaCode', 'SignIn']));
  });

  it('a replayed code, and codes from 10 minutes ago and 10 minutes ahead, are refused and audited', async () => {
    await b.context.clearCookies();
    await password(mfaUser);
    const step = timeStep(new Date());
    await code(totpAt(mfaUser.seed!, mfaUser.lastStep!)); // spent above
    expect(new URL(p().url()).pathname).toBe('/signin/mfa');
    expect(await p().getByTestId('error').textContent()).toMatch(/already used|not valid/);
    await b.shot('sso-mfa-replayed');
    await code(totpAt(mfaUser.seed!, step - 20));
    expect(await p().getByTestId('error').textContent()).toMatch(/not valid/);
    await code(totpAt(mfaUser.seed!, step + 20));
    expect(await p().getByTestId('error').textContent()).toMatch(/not valid/);
    expect((await b.context.cookies(t.url)).some((c) => c.name === '__Host-tessera-session')).toBe(false);
    const refusals = (await signinAudit(t)).filter((a) => a.action === 'MfaCode' && a.outcome === 'failure' && a.principal_arn === mfaUser.arn);
    expect(refusals.map((a) => a.error_code)).toEqual(['mfa_replayed', 'mfa_invalid', 'mfa_invalid']);
    for (const a of refusals) expect(JSON.stringify(a)).not.toMatch(/"\d{6}"/);
    // The right code still works (wrong ones do not lock before the limit).
    await code(totpAt(mfaUser.seed!, step + 1 > mfaUser.lastStep! ? step + 1 : mfaUser.lastStep! + 1));
    expect(new URL(p().url()).pathname).toBe('/session');
  });

  it('a required password reset: the change page (policy enforced) before any session', async () => {
    const u = await makeLocalUser(t, 'rita', { reset: true });
    await b.context.clearCookies();
    await password(u);
    expect(new URL(p().url()).pathname).toBe('/signin/password');
    await b.shot('sso-password-change');
    await p().fill('#old_password', u.password);
    await p().fill('#new_password', 'short');
    await p().fill('#confirm_password', 'short');
    await Promise.all([p().waitForLoadState('load'), p().click('button[type=submit]')]);
    expect(await p().getByTestId('error').textContent()).toMatch(/minimum length/);
    await b.shot('sso-password-change-refused');
    expect((await b.context.cookies(t.url)).some((c) => c.name === '__Host-tessera-session')).toBe(false);
    const next = 'N3w-Passw0rd!long';
    await p().fill('#old_password', u.password);
    await p().fill('#new_password', next);
    await p().fill('#confirm_password', next);
    await Promise.all([p().waitForLoadState('load'), p().click('button[type=submit]')]);
    expect(new URL(p().url()).pathname).toBe('/session');
    expect(await p().getByTestId('principal').textContent()).toBe(u.arn);
    // The old password no longer works; the new one does, without a reset.
    await b.context.clearCookies();
    await password(u);
    expect(await p().getByTestId('error').textContent()).toMatch(/wrong/);
    await password(u, next);
    expect(new URL(p().url()).pathname).toBe('/session');
  });

  it('wrong passwords past the limit → lockout page with its end, on this replica and the other; audited', async () => {
    const u = await makeLocalUser(t, 'lars');
    await b.context.clearCookies();
    for (let i = 0; i < 3; i++) {
      await password(u, 'wrong-password');
      expect(await p().getByTestId('error').textContent()).toMatch(/wrong/);
    }
    await b.shot('sso-password-wrong');
    await password(u); // the right password, but locked
    expect(await p().getByTestId('locked').isVisible()).toBe(true);
    const until = new Date((await p().getByTestId('locked-until').getAttribute('datetime'))!);
    expect(until.getTime()).toBeGreaterThan(Date.now() + 800_000);
    await b.shot('sso-locked');
    await b.context.clearCookies();
    await password(u, u.password, r2.url);
    expect(await p().getByTestId('locked').isVisible()).toBe(true);
    const audit = await signinAudit(t);
    expect(audit.filter((a) => a.action === 'SignIn' && a.error_code === 'bad_credentials' && a.detail.subject === 'lars')).toHaveLength(3);
    expect(audit.filter((a) => a.action === 'SignInLockout' && a.detail.subject === 'lars')).toHaveLength(1);
    expect(audit.filter((a) => a.action === 'SignIn' && a.error_code === 'locked' && a.detail.subject === 'lars').length).toBeGreaterThanOrEqual(2);
    // Also after the cache lost the lock mirror: Postgres holds it.
    const j = new Jar(r2.url);
    const form = await j.get('/signin/local');
    const cacheKey = `throttle:lock:signin-user:${t.accountId}:lars`;
    await t.services.cache.del(cacheKey);
    const r = await j.post('/signin/local', { csrf: csrfOf(form.text), account: t.accountId, username: 'lars', password: u.password });
    expect(r.status).toBe(429);
    expect(testId(r.text, 'locked')).toBeDefined();
  });

  it('an unknown user name is refused the same way and costs the same scrypt work', async () => {
    const j = new Jar(t.url);
    const form = await j.get('/signin/local');
    const t0 = performance.now();
    const unknown = await j.post('/signin/local', { csrf: csrfOf(form.text), account: '', username: 'nobody-here', password: 'x' });
    const tUnknown = performance.now() - t0;
    const t1 = performance.now();
    const known = await j.post('/signin/local', { csrf: csrfOf(form.text), account: '', username: mfaUser.name, password: 'wrong' });
    const tKnown = performance.now() - t1;
    expect(unknown.status).toBe(401);
    expect(known.status).toBe(401);
    expect(testId(unknown.text, 'error')).toBe(testId(known.text, 'error'));
    expect(tUnknown).toBeGreaterThan(tKnown / 4);
  });
});
