import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { browserAvailable, openBrowser, type TestBrowser } from '../support/browser.js';
import { startTestOp, type TestOp } from '../fixtures/oidc-op.js';
import { createCorpOidcConnector } from './test-connector.js';
import { Jar, signinAudit, testId } from './helpers.js';

/**
 * A person signs in with headless Chromium through the built-in `oidc` connector: /signin →
 * a real oidc-provider's own login page → /signin/corp/callback → /session showing the IAM OIDC
 * provider, the subject, the groups and whether the IdP said MFA. The connector is created the
 * way an administrator does: CreateOpenIDConnectProvider, then CreateSignInConnector (SigV4).
 * Forged callbacks (missing, reused, foreign state) and an upstream error each end on a clear page.
 */
describe.skipIf(!browserAvailable)('OIDC sign-in in Chromium', () => {
  let t: TestTessera;
  let op: TestOp;
  let b: TestBrowser;
  let providerArn: string;

  beforeAll(async () => {
    t = await startTestTessera();
    op = await startTestOp({ redirectUris: [`${t.url}/signin/corp/callback`] });
    providerArn = await createCorpOidcConnector(t, op, { tagClaims: { department: 'Department' } });
    b = await openBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await op?.close();
    await t?.stop();
  });

  /** /signin → the connector → the OP's login page, filled in and submitted. */
  async function throughOp(user: string, mfa: boolean, shotPrefix?: string) {
    const p = b.page;
    await p.goto(`${t.url}/signin`);
    if (shotPrefix) await b.shot(`${shotPrefix}-1-signin`);
    await Promise.all([p.waitForURL((u) => u.href.startsWith(op.issuer)), p.getByTestId('connector-corp').click()]);
    await p.waitForSelector('#username');
    if (shotPrefix) await b.shot(`${shotPrefix}-2-idp-login`);
    await p.fill('#username', user);
    await p.fill('#password', op.accounts.get(user)!.password);
    if (mfa) await p.check('#otp');
    await p.click('button[type=submit]');
  }

  it('alice signs in with a second factor: /session shows the provider ARN, sub, groups and upstream MFA', async () => {
    await b.context.clearCookies();
    await throughOp('alice', true, 'oidc-signin');
    await b.page.waitForURL(`${t.url}/session`);
    await b.shot('oidc-signin-3-session');
    const p = b.page;
    expect(await p.getByTestId('provider').textContent()).toBe(providerArn);
    expect(providerArn).toBe(`arn:aws:iam::${t.accountId}:oidc-provider/${op.issuer.replace('http://', '')}`);
    expect(await p.getByTestId('subject').textContent()).toBe('alice');
    expect(await p.getByTestId('connector').textContent()).toBe('corp');
    expect(await p.getByTestId('groups').textContent()).toBe('engineering, admins');
    expect(await p.getByTestId('email').textContent()).toBe('alice@corp.example');
    expect(await p.getByTestId('mfa').getAttribute('data-present')).toBe('true');
    expect(await p.getByTestId('mfa').getAttribute('data-method')).toBe('upstream');
    const ok = (await signinAudit(t)).filter((a) => a.action === 'SignIn' && a.outcome === 'success').at(-1);
    expect(ok).toMatchObject({ detail: { connectorId: 'corp', method: 'federated', mfa: 'upstream' } });
    // No code, token or secret in what was audited.
    expect(JSON.stringify(await signinAudit(t))).not.toContain(op.clientSecret);
  });

  it('bob signs in with a password only: MFA not present, his one group', async () => {
    await b.context.clearCookies();
    await throughOp('bob', false);
    await b.page.waitForURL(`${t.url}/session`);
    expect(await b.page.getByTestId('subject').textContent()).toBe('bob');
    expect(await b.page.getByTestId('groups').textContent()).toBe('viewers');
    expect(await b.page.getByTestId('mfa').getAttribute('data-present')).toBe('false');
  });

  /**
   * Starts a sign-in in the browser (which gets Tessera's flow cookie) and lets it reach the OP;
   * the OP's login is then walked over HTTP from the same authorization request, and the
   * callback URL the OP redirects to is returned without the browser following it (Playwright
   * cannot route redirect follow-ups, so the browser is not the one that logs in here).
   */
  async function captureCallback(user: string): Promise<string> {
    const p = b.page;
    let authorize = '';
    const seen = (r: { url(): string }) => {
      if (r.url().startsWith(`${op.issuer}/auth?`)) authorize = r.url();
    };
    p.on('request', seen);
    try {
      await p.goto(`${t.url}/signin`);
      await Promise.all([p.waitForURL((u) => u.href.startsWith(op.issuer)), p.getByTestId('connector-corp').click()]);
    } finally {
      p.off('request', seen);
    }
    expect(authorize).not.toBe('');
    const cb = await op.loginOverHttp(authorize, user);
    expect(cb.href).toContain('code=');
    return cb.href;
  }

  it("another browser's callback → state_foreign (403); the owner finishes; reusing it → state_reused", async () => {
    await b.context.clearCookies();
    const cb = await captureCallback('alice');
    const stranger = new Jar(t.url);
    const forged = await stranger.get(cb);
    expect(forged.status).toBe(403);
    expect(testId(forged.text, 'reason')).toBe('state_foreign');
    expect(stranger.cookies.has('__Host-tessera-session')).toBe(false);

    await b.page.goto(cb);
    expect(new URL(b.page.url()).pathname).toBe('/session');
    const again = await b.page.goto(cb);
    expect(again?.status()).toBe(400);
    expect(await b.page.getByTestId('reason').textContent()).toBe('state_reused');
    await b.shot('oidc-signin-4-state-reused');
  });

  it('a callback without state, and an upstream error=, get clear pages', async () => {
    await b.context.clearCookies();
    const missing = await b.page.goto(`${t.url}/signin/corp/callback?code=abc`);
    expect(missing?.status()).toBe(400);
    expect(await b.page.getByTestId('reason').textContent()).toBe('state_missing');
    await b.shot('oidc-signin-5-state-missing');

    const cb = new URL(await captureCallback('alice'));
    const state = cb.searchParams.get('state')!;
    const denied = await b.page.goto(`${t.url}/signin/corp/callback?error=access_denied&error_description=${encodeURIComponent('<script>alert(1)</script>')}&state=${state}`);
    expect(denied?.status()).toBe(400);
    expect(await b.page.getByTestId('reason').textContent()).toBe('upstream_error');
    const body = await b.page.content();
    expect(body).toContain('access_denied');
    expect(body).not.toContain('<script>alert(1)');
    await b.shot('oidc-signin-6-upstream-error');
  });
});
