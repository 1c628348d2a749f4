import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { browserAvailable, openBrowser, type TestBrowser } from '../support/browser.js';
import { timeStep, totpAt } from '../../src/mfa/totp.js';
import { signinAudit } from './helpers.js';
import { setUpConnectors, startUpstream, testFactories, type Upstream } from './test-connector.js';

/**
 * Tessera's TOTP step for federated people whose connector requires MFA the IdP did not assert,
 * in Chromium: enrolment at first sign-in (QR code + manual key, two consecutive codes), the
 * recovery codes shown once, a code at the next sign-in (a replay refused), a recovery code
 * usable once. A connector whose IdP asserted MFA skips the step (MFA method "upstream").
 */
describe.skipIf(!browserAvailable)('federated sign-in with Tessera MFA in Chromium', () => {
  let t: TestTessera;
  let up: Upstream;
  let b: TestBrowser;
  let seed = '';
  let lastStep = 0;
  let recovery: string[] = [];

  beforeAll(async () => {
    t = await startTestTessera({ connectorFactories: testFactories });
    up = await startUpstream();
    await setUpConnectors(t, up, [
      { id: 'corp', type: 'oidc', requireMfa: true },
      { id: 'corp-saml', type: 'saml' },
    ]);
    b = await openBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await up?.close();
    await t?.stop();
  });

  const p = () => b.page;
  /** Chooses the connector on /signin and lets the test upstream answer for `login`. */
  async function viaUpstream(id: string, login: string, mfa = false) {
    up.person.login = login;
    up.person.mfa = mfa;
    await p().goto(`${t.url}/signin`);
    await Promise.all([p().waitForURL((u) => u.pathname !== '/signin'), p().getByTestId(`connector-${id}`).click()]);
  }
  const submit = () => Promise.all([p().waitForLoadState('load'), p().click('button[type=submit]')]);

  it('first sign-in: enrolment page with a QR code and the key, two consecutive codes, recovery codes once', async () => {
    await p().goto(`${t.url}/signin`);
    await b.shot('sso-choose-connectors');
    await viaUpstream('corp', 'ann');
    expect(new URL(p().url()).pathname).toBe('/signin/mfa/enrol');
    const img = p().locator('img.qr');
    expect(await img.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(await p().evaluate(`document.querySelector('img.qr').naturalWidth`)).toBeGreaterThan(100);
    seed = (await p().getByTestId('seed').textContent())!.replace(/\s+/g, '');
    expect(seed).toMatch(/^[A-Z2-7]{32}$/);
    await b.shot('sso-mfa-enrol');
    const s = timeStep(new Date());
    // Wrong pair first: refused, the same key stays.
    await p().fill('#code1', totpAt(seed, s));
    await p().fill('#code2', totpAt(seed, s + 5));
    await submit();
    expect(await p().getByTestId('error').textContent()).toMatch(/consecutive/);
    expect((await p().getByTestId('seed').textContent())!.replace(/\s+/g, '')).toBe(seed);
    await p().fill('#code1', totpAt(seed, s - 1));
    await p().fill('#code2', totpAt(seed, s));
    await submit();
    lastStep = s;
    recovery = (await p().getByTestId('recovery-codes').locator('li').allTextContents()).map((x) => x.trim());
    expect(recovery).toHaveLength(10);
    expect(new Set(recovery).size).toBe(10);
    await b.shot('sso-recovery-codes');
    await Promise.all([p().waitForURL(/\/session$/), p().getByTestId('continue').click()]);
    expect(await p().getByTestId('subject').textContent()).toBe('ann');
    expect(await p().getByTestId('mfa').getAttribute('data-method')).toBe('totp');
    expect(await p().getByTestId('groups').textContent()).toBe('engineering, on-call');
    await b.shot('sso-session-federated');
    // Only hashes are stored.
    const rows = await t.database.db.query<{ code_hash: string }>('SELECT code_hash FROM sign_in_recovery_codes');
    expect(rows.rows).toHaveLength(10);
    for (const c of recovery) expect(JSON.stringify(rows.rows)).not.toContain(c.replace(/-/g, ''));
  });

  it('next sign-in asks for a code; the enrolment code replayed is refused; a fresh one signs in', async () => {
    await b.context.clearCookies();
    await viaUpstream('corp', 'ann');
    expect(new URL(p().url()).pathname).toBe('/signin/mfa');
    await p().fill('#code', totpAt(seed, lastStep));
    await submit();
    expect(new URL(p().url()).pathname).toBe('/signin/mfa');
    expect(await p().getByTestId('error').textContent()).toMatch(/already used/);
    await p().fill('#code', totpAt(seed, lastStep + 1));
    await submit();
    expect(new URL(p().url()).pathname).toBe('/session');
    expect((await signinAudit(t)).filter((a) => a.action === 'MfaCode').map((a) => a.error_code ?? 'ok')).toEqual(['mfa_replayed', 'ok']);
  });

  it('a recovery code signs in once', async () => {
    for (const [i, expectOk] of [[0, true], [0, false]] as const) {
      await b.context.clearCookies();
      await viaUpstream('corp', 'ann');
      await Promise.all([p().waitForURL(/recovery/), p().getByRole('link', { name: 'Use a recovery code instead' }).click()]);
      if (expectOk) await b.shot('sso-recovery');
      await p().fill('#recovery_code', recovery[i]!);
      await submit();
      if (expectOk) {
        expect(new URL(p().url()).pathname).toBe('/session');
        expect(await p().getByTestId('mfa').getAttribute('data-method')).toBe('recovery');
      } else {
        expect(await p().getByTestId('error').textContent()).toMatch(/used already/);
      }
    }
  });

  it('upstream MFA is enough: no Tessera step, MFA "upstream"; a connector without requireMfa has none', async () => {
    await b.context.clearCookies();
    await viaUpstream('corp', 'ben', true);
    expect(new URL(p().url()).pathname).toBe('/session');
    expect(await p().getByTestId('mfa').getAttribute('data-method')).toBe('upstream');
    await b.context.clearCookies();
    await p().goto(`${t.url}/signin`);
    // The SAML test upstream shows a form the person submits (HTTP-POST binding).
    await Promise.all([p().waitForURL((u) => u.pathname === '/sso'), p().getByTestId('connector-corp-saml').click()]);
    await Promise.all([p().waitForURL(/\/session$/), p().click('#go')]);
    expect(await p().getByTestId('provider').textContent()).toMatch(/saml-provider\/TestSaml$/);
    expect(await p().getByTestId('mfa').getAttribute('data-present')).toBe('false');
  });

  it('a forged callback shows a clear error page with the reason and the request id', async () => {
    await p().goto(`${t.url}/signin/corp/callback?code=x&state=${'B'.repeat(43)}`);
    expect(await p().getByTestId('reason').textContent()).toBe('state_unknown');
    expect(await p().getByTestId('request-id').textContent()).toMatch(/^[0-9a-f-]{36}$/);
    await b.shot('sso-error-state');
  });
});
