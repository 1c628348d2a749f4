import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { browserAvailable, openBrowser, type TestBrowser } from '../support/browser.js';
import { makeLocalUser, type LocalUser } from '../sso/helpers.js';
import { consoleRole, sessionOfSecret } from '../console2/helpers.js';
import { iamQuery } from '../sso/test-connector.js';
import { consoleStateKey } from '../../src/web/console/sections-router.js';

/**
 * The portal's "Open console" in Chromium: the console opens as the role session (its ARN in the
 * frame), a List/Get role's mutation shows AWS's AccessDenied, and an admin's RevokeLoginSession
 * of the person stops the console on the next page.
 */
describe.skipIf(!browserAvailable)('Open console from the portal in Chromium', () => {
  let t: TestTessera;
  let b: TestBrowser;
  let ada: LocalUser;

  beforeAll(async () => {
    t = await startTestTessera();
    ada = await makeLocalUser(t, 'ada');
    await consoleRole(t, 'PortalReader', [{ Effect: 'Allow', Action: ['iam:List*', 'iam:Get*'], Resource: '*' }], ['ada']);
    b = await openBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await t?.stop();
  });
  const p = () => b.page;

  it('portal → Open console → the console as the role; AccessDenied as AWS says; revoked → signed out', async () => {
    await p().goto(`${t.url}/signin/local?return_to=/portal`);
    await p().fill('#username', ada.name);
    await p().fill('#password', ada.password);
    await Promise.all([p().waitForURL(/\/portal/), p().click('button[type=submit]')]);
    const row = p().locator('li', { hasText: 'PortalReader' }).first();
    await Promise.all([p().waitForURL(/\/console\//), row.getByTestId('open-console').click()]);
    expect(new URL(p().url()).pathname).toBe('/console/users');
    const role = await p().getByTestId('console-role').textContent();
    expect(role).toMatch(new RegExp(`arn:aws:sts::${t.accountId}:assumed-role/PortalReader/`));
    const assumed = /arn:aws:sts::\S+/.exec(role!)![0];
    await b.shot('console-open-from-portal');

    // A mutation the role may not make: AWS's message, with this role session's ARN.
    await p().goto(`${t.url}/console/sessions`);
    const secret = (await b.context.cookies(t.url)).find((c) => c.name === '__Host-tessera-session')!.value;
    const session = await sessionOfSecret(t, secret);
    const form = p().locator('form[action="/console/sessions/revoke-credentials"]');
    // Its own console key (a real temporary key): the role may not revoke it.
    const own = JSON.parse((await t.services.cache.get(consoleStateKey(session.id)))!) as { accessKeyId: string };
    await form.locator('#accessKeyId').fill(own.accessKeyId);
    await Promise.all([p().waitForLoadState('load'), form.locator('button[type=submit]').click()]);
    expect(await p().getByRole('alert').first().textContent()).toContain(`AccessDenied: User: ${assumed} is not authorized to perform: iam:RevokeSession`);
    await b.shot('console-access-denied');

    const r = await iamQuery(t.url, t.root, 'RevokeLoginSession', { Id: session.id });
    expect(r.status, r.text).toBe(200);
    await p().goto(`${t.url}/console/providers`);
    expect(new URL(p().url()).pathname).toMatch(/^\/signin/);
  });
});
