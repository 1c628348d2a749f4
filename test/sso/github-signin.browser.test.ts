import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateOpenIDConnectProviderCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { iamClient } from '../support/clients.js';
import { browserAvailable, openBrowser, type TestBrowser } from '../support/browser.js';
import { startTestGitHub, type TestGitHub } from '../fixtures/github-server.js';
import { iamQuery } from './test-connector.js';
import { signinAudit } from './helpers.js';

/**
 * A person signs in with headless Chromium through the `github` preset against a local server
 * speaking GitHub's OAuth web flow (GHE layout): /signin → GitHub's login page → /session with
 * the IAM OIDC provider registered for the GitHub URL, the numeric user id as subject, `org` and
 * `org/team` groups. A person outside allowedOrganizations, or without a verified primary email,
 * gets a clear page and no session.
 */
describe.skipIf(!browserAvailable)('GitHub sign-in in Chromium', () => {
  let t: TestTessera;
  let gh: TestGitHub;
  let b: TestBrowser;
  let providerArn: string;

  beforeAll(async () => {
    t = await startTestTessera();
    gh = await startTestGitHub({ redirectUris: [`${t.url}/signin/github/callback`] });
    const iam = iamClient(t, t.root);
    providerArn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: gh.baseUrl, ClientIDList: [gh.clientId], ThumbprintList: ['b'.repeat(40)] }))).OpenIDConnectProviderArn!;
    const r = await iamQuery(t.url, t.root, 'CreateSignInConnector', {
      Id: 'github',
      Type: 'github',
      DisplayName: 'GitHub',
      ProviderArn: providerArn,
      Settings: JSON.stringify({ clientId: gh.clientId, baseUrl: gh.baseUrl, allowedOrganizations: ['corp'] }),
      Secrets: JSON.stringify({ clientSecret: gh.clientSecret }),
    });
    expect(r.status, r.text).toBe(200);
    b = await openBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await gh?.close();
    await t?.stop();
  });

  async function throughGitHub(login: string, shotPrefix?: string) {
    const p = b.page;
    await b.context.clearCookies();
    await p.goto(`${t.url}/signin`);
    if (shotPrefix) await b.shot(`${shotPrefix}-1-signin`);
    await Promise.all([p.waitForURL((u) => u.href.startsWith(`${gh.baseUrl}/login/oauth/authorize`)), p.getByTestId('connector-github').click()]);
    if (shotPrefix) await b.shot(`${shotPrefix}-2-github-login`);
    await p.fill('#login_field', login);
    await p.fill('#password', gh.users.get(login)!.password);
    await Promise.all([p.waitForURL((u) => u.href.startsWith(t.url)), p.click('button[value=sign-in]')]);
  }

  it('octocat signs in: provider ARN of the GitHub URL, numeric id, org and org/team groups, no upstream MFA', async () => {
    await throughGitHub('octocat', 'github-signin');
    const p = b.page;
    expect(new URL(p.url()).pathname).toBe('/session');
    await b.shot('github-signin-3-session');
    expect(await p.getByTestId('provider').textContent()).toBe(providerArn);
    expect(providerArn).toBe(`arn:aws:iam::${t.accountId}:oidc-provider/${gh.baseUrl.replace('http://', '')}`);
    expect(await p.getByTestId('subject').textContent()).toBe('583231');
    expect(await p.getByTestId('groups').textContent()).toBe('corp, corp/platform, corp/sre');
    expect(await p.getByTestId('email').textContent()).toBe('octocat@corp.example');
    expect(await p.getByTestId('mfa').getAttribute('data-present')).toBe('false');
    expect(JSON.stringify(await signinAudit(t))).not.toContain(gh.clientSecret);
  });

  it('someone outside the allowed organizations gets a clear page and no session', async () => {
    await throughGitHub('outsider');
    const p = b.page;
    expect(await p.getByTestId('reason').textContent()).toBe('identity_not_allowed');
    expect(await p.getByTestId('error').textContent()).toContain('Only members of corp');
    await b.shot('github-signin-4-not-allowed');
    expect((await b.context.cookies(t.url)).some((c) => c.name === '__Host-tessera-session')).toBe(false);
  });

  it('an unverified primary email gets a clear page', async () => {
    await throughGitHub('unverified');
    expect(await b.page.getByTestId('reason').textContent()).toBe('identity_not_allowed');
    expect(await b.page.getByTestId('error').textContent()).toContain('verified primary email');
    await b.shot('github-signin-5-unverified-email');
  });

  it('cancelling at GitHub gets the upstream error page', async () => {
    const p = b.page;
    await b.context.clearCookies();
    await p.goto(`${t.url}/signin/github`);
    await Promise.all([p.waitForURL((u) => u.href.startsWith(t.url)), p.click('button[value=cancel]')]);
    expect(await p.getByTestId('reason').textContent()).toBe('upstream_error');
    expect(await p.getByTestId('error').textContent()).toBe('GitHub refused the sign-in (access_denied).');
  });
});
