import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetOpenIDConnectProviderCommand, ListMFADevicesCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { browserAvailable, openBrowser, type TestBrowser } from '../support/browser.js';
import { iamClient } from '../support/clients.js';
import { hasAwsCli, run } from '../support/aws-cli.js';
import { timeStep, totpAt } from '../../src/mfa/totp.js';
import { Jar, csrfOf, makeLocalUser, type LocalUser } from '../sso/helpers.js';
import { consoleRole, issueFrom, oidcProvider, openConsole, openConsoleFor, sessionOfSecret } from './helpers.js';
import { iamQuery } from '../sso/test-connector.js';
import { idpMetadata, makeCert } from '../iam/providers/saml-fixture.js';

/**
 * The console's providers, sessions, MFA and audit sections in Chromium, as a person's role
 * session: an admin revokes another person's login session (signed out; credentials issued from
 * it fail in the aws CLI), the audit page filters to the console's own calls, a List/Get-only
 * role sees providers but its delete is AccessDenied with AWS's message, and an MFA device made
 * in the console is then needed at the user's sign-in.
 */
describe.skipIf(!browserAvailable)('console sections in Chromium', () => {
  let t: TestTessera;
  let b: TestBrowser;
  let ada: LocalUser;
  let bob: LocalUser;
  let adminRole: string;
  let readerRole: string;

  beforeAll(async () => {
    t = await startTestTessera();
    ada = await makeLocalUser(t, 'ada');
    bob = await makeLocalUser(t, 'bob');
    await makeLocalUser(t, 'carol');
    adminRole = await consoleRole(t, 'ConsoleAdmin', [{ Effect: 'Allow', Action: '*', Resource: '*' }], ['ada', 'bob']);
    readerRole = await consoleRole(t, 'ConsoleReader', [{ Effect: 'Allow', Action: ['iam:List*', 'iam:Get*'], Resource: '*' }], ['ada']);
    b = await openBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await t?.stop();
  });

  const p = () => b.page;
  async function signInBrowser(u: LocalUser) {
    await b.context.clearCookies();
    await p().goto(`${t.url}/signin/local`);
    await p().fill('#username', u.name);
    await p().fill('#password', u.password);
    await Promise.all([p().waitForURL(/\/session/), p().click('button[type=submit]')]);
  }
  async function signInJar(u: LocalUser): Promise<Jar> {
    const j = new Jar(t.url);
    const f = await j.get('/signin/local');
    const r = await j.post('/signin/local', { csrf: csrfOf(f.text), account: '', username: u.name, password: u.password });
    expect(r.location).toBe('/session');
    return j;
  }
  const secretOf = (j: Jar) => j.cookies.get('__Host-tessera-session')!;
  const awsSts = (c: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }) =>
    run('aws', ['--endpoint-url', t.url, '--output', 'json', 'sts', 'get-caller-identity'], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: c.AccessKeyId, AWS_SECRET_ACCESS_KEY: c.SecretAccessKey, AWS_SESSION_TOKEN: c.SessionToken, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
    }).then(
      (r) => ({ ok: true, out: r.stdout }),
      (e: { stderr: string }) => ({ ok: false, out: e.stderr }),
    );

  it('an admin console session lists login sessions and revokes another person: signed out, credentials from it fail', async () => {
    const bobJar = await signInJar(bob);
    const bobSession = await sessionOfSecret(t, secretOf(bobJar));
    const bobCreds = (await issueFrom(t, bobSession, adminRole)).issued.credentials;
    if (hasAwsCli) expect((await awsSts(bobCreds)).ok).toBe(true);

    await signInBrowser(ada);
    const adaSession = await openConsole(t, b.context, adminRole);
    await p().goto(`${t.url}/console/sessions`);
    expect(await p().getByTestId('console-role').textContent()).toContain('assumed-role/ConsoleAdmin/');
    const bobRow = p().locator(`tr[data-session-id="${bobSession.id}"]`);
    await expect.poll(() => bobRow.count()).toBe(1);
    expect(await bobRow.textContent()).toContain(bob.arn);
    expect(await p().locator(`tr[data-session-id="${adaSession.id}"]`).textContent()).toContain('this session');
    await b.shot('console-sessions');
    await Promise.all([p().waitForURL(/\/console\/sessions$/), bobRow.getByTestId('revoke-session').click()]);
    expect(await p().getByTestId('flash').textContent()).toContain(`Login session ${bobSession.id} revoked`);
    // Bob's next page: signed out.
    const next = await bobJar.get('/session');
    expect(next.status).toBe(303);
    expect(next.location).toMatch(/^\/signin/);
    // The credentials issued from his session no longer work.
    if (hasAwsCli) {
      const r = await awsSts(bobCreds);
      expect(r.ok).toBe(false);
      expect(r.out).toContain('InvalidClientTokenId');
    }
    // Ada's own console still works, and Bob's session is listed as revoked with ended ones.
    await p().goto(`${t.url}/console/sessions?ended=true&user=bob`);
    expect(await p().locator(`tr[data-session-id="${bobSession.id}"]`).getAttribute('data-status')).toBe('revoked');
  });

  it('the audit page filters to an action and shows the console calls, with a detail view of one event', async () => {
    await p().goto(`${t.url}/console/audit`);
    await p().fill('#action', 'RevokeLoginSession');
    await p().selectOption('#service', 'iam');
    await Promise.all([p().waitForURL(/action=RevokeLoginSession/), p().getByTestId('audit-apply').click()]);
    const rows = p().getByTestId('audit-row');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-action')).toBe('RevokeLoginSession');
    expect(await rows.first().textContent()).toContain('assumed-role/ConsoleAdmin/');
    await b.shot('console-audit');
    await Promise.all([p().waitForURL(/\/console\/audit\/event/), rows.first().getByTestId('audit-detail-link').click()]);
    const detail = JSON.parse((await p().getByTestId('audit-event-detail').textContent())!);
    expect(detail).toMatchObject({ via: 'console', revokedLoginSessionId: expect.stringMatching(/^ls-/), principalArn: bob.arn });
    await b.shot('console-audit-event');
    // The page's own reads are in the log too, as the console's role session.
    await p().goto(`${t.url}/console/audit?action=LookupAuditEvents&outcome=success`);
    expect(await p().getByTestId('audit-row').count()).toBeGreaterThan(0);
    // A bad time is a 400 page with a message, not a 500.
    const bad = await p().goto(`${t.url}/console/audit?start=yesterday`);
    expect(bad!.status()).toBe(400);
    expect(await p().getByTestId('error').textContent()).toContain('not a date and time');
  });

  it('a List/Get-only role sees providers, but deleting one is AccessDenied with AWS message', async () => {
    const arn = await oidcProvider(t, 'https://idp.console.example');
    await signInBrowser(ada);
    await openConsole(t, b.context, readerRole);
    await p().goto(`${t.url}/console/providers`);
    const row = p().locator(`tr[data-arn="${arn}"]`);
    expect(await row.textContent()).toContain('idp.console.example');
    expect(await row.textContent()).toContain('sts.amazonaws.com');
    await Promise.all([p().waitForURL(/\/console\/providers$/), row.getByTestId('delete-oidc').click()]);
    const flash = await p().getByTestId('flash').textContent();
    expect(flash).toMatch(
      new RegExp(`^AccessDenied: User: arn:aws:sts::${t.accountId}:assumed-role/ConsoleReader/ada is not authorized to perform: iam:DeleteOpenIDConnectProvider on resource: ${arn.replace(/[.]/g, '\\.')} because no identity-based policy allows the iam:DeleteOpenIDConnectProvider action`),
    );
    await b.shot('console-providers-denied');
    // Still there.
    expect((await iamClient(t, t.root).send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }))).Url).toBe('idp.console.example');
    // The reader cannot read the audit log either (tessera:LookupAuditEvents is not iam:Get*).
    const audit = await p().goto(`${t.url}/console/audit`);
    expect(audit!.status()).toBe(403);
    expect(await p().getByTestId('error').textContent()).toContain('not authorized to perform: tessera:LookupAuditEvents');
  });

  it('an MFA device created and enabled in the console is then needed at the user sign-in', async () => {
    await signInBrowser(ada);
    await openConsole(t, b.context, adminRole);
    await p().goto(`${t.url}/console/mfa`);
    await p().fill('#user', 'carol');
    await p().fill('#device', 'carol-phone');
    await Promise.all([p().waitForURL(/\/console\/mfa\/create/), p().getByTestId('mfa-create').click()]);
    const qr = await p().getByTestId('mfa-qr').getAttribute('src');
    expect(qr).toMatch(/^data:image\/png;base64,iVBOR/);
    // The image really renders (CSP allows img data:).
    expect(await p().getByTestId('mfa-qr').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    const seed = (await p().getByTestId('mfa-seed').textContent())!.replace(/\s+/g, '');
    await b.shot('console-mfa-enable');
    const step = timeStep(new Date());
    await p().fill('#code1', totpAt(seed, step - 2));
    await p().fill('#code2', totpAt(seed, step - 1));
    await Promise.all([p().waitForURL(/\/console\/mfa$/), p().getByTestId('mfa-enable').click()]);
    expect(await p().getByTestId('flash').textContent()).toContain('enabled for carol');
    const row = p().locator(`tr[data-serial="arn:aws:iam::${t.accountId}:mfa/carol-phone"]`);
    expect(await row.getAttribute('data-assigned')).toBe('true');
    expect((await iamClient(t, t.root).send(new ListMFADevicesCommand({ UserName: 'carol' }))).MFADevices?.map((d) => d.SerialNumber)).toEqual([`arn:aws:iam::${t.accountId}:mfa/carol-phone`]);
    // Carol's sign-in now asks for the code, and takes the next one.
    const j = new Jar(t.url);
    const f = await j.get('/signin/local');
    const r = await j.post('/signin/local', { csrf: csrfOf(f.text), account: '', username: 'carol', password: 'Pw-carol-1a!Xy' });
    expect(r.location).toBe('/signin/mfa');
    const m = await j.get('/signin/mfa');
    const done = await j.post('/signin/mfa', { csrf: csrfOf(m.text), code: totpAt(seed, step) });
    expect(done.location).toBe('/session');
    // Deactivate, then delete, from the list.
    await p().goto(`${t.url}/console/mfa`);
    await Promise.all([p().waitForURL(/\/console\/mfa$/), row.getByTestId('mfa-deactivate').click()]);
    expect(await p().getByTestId('flash').textContent()).toContain('deactivated');
    expect(await row.getAttribute('data-assigned')).toBe('false');
    await Promise.all([p().waitForURL(/\/console\/mfa$/), row.getByTestId('mfa-delete').click()]);
    expect(await p().getByTestId('flash').textContent()).toContain('deleted');
    expect(await row.count()).toBe(0);
  });

  it('identity providers: OIDC created and changed, SAML created from pasted metadata, then both deleted', async () => {
    await signInBrowser(ada);
    await openConsole(t, b.context, adminRole);
    await p().goto(`${t.url}/console/providers`);
    await p().locator('summary', { hasText: 'Add an OIDC provider' }).click();
    await p().fill('#url', 'https://token.example.org');
    await p().fill('#clientIds', 'app-one\napp-two');
    await p().fill('#thumbprints', 'b'.repeat(40));
    await Promise.all([p().waitForURL(/\/console\/providers\/oidc\?arn=/), p().getByTestId('create-oidc').click()]);
    expect(await p().getByTestId('flash').textContent()).toContain('created');
    await p().fill('#clientId', 'app-three');
    await Promise.all([p().waitForURL(/\/console\/providers\/oidc\?arn=/), p().getByRole('button', { name: 'Add', exact: true }).click()]);
    await p().fill('#thumbprints', `${'c'.repeat(40)}\n${'d'.repeat(40)}`);
    await Promise.all([p().waitForURL(/\/console\/providers\/oidc\?arn=/), p().getByRole('button', { name: 'Save thumbprints' }).click()]);
    const arn = `arn:aws:iam::${t.accountId}:oidc-provider/token.example.org`;
    const got = await iamClient(t, t.root).send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    expect(got.ClientIDList).toEqual(['app-one', 'app-two', 'app-three']);
    expect(got.ThumbprintList).toEqual(['c'.repeat(40), 'd'.repeat(40)]);
    await p().goto(`${t.url}/console/providers`);
    await p().locator('summary', { hasText: 'Add a SAML provider' }).click();
    await p().fill('#name', 'CorpIdP');
    await p().fill('#metadata', idpMetadata({ entityId: 'https://saml.corp.example', cert: await makeCert() }));
    await Promise.all([p().waitForURL(/\/console\/providers$/), p().getByTestId('create-saml').click()]);
    expect(await p().getByTestId('flash').textContent()).toContain(`saml-provider/CorpIdP created`);
    const saml = p().locator(`tr[data-arn="arn:aws:iam::${t.accountId}:saml-provider/CorpIdP"]`);
    expect(await saml.count()).toBe(1);
    await Promise.all([p().waitForURL(/\/console\/providers$/), saml.getByTestId('delete-saml').click()]);
    await Promise.all([p().waitForURL(/\/console\/providers$/), p().locator(`tr[data-arn="${arn}"]`).getByTestId('delete-oidc').click()]);
    expect(await p().locator(`tr[data-arn="${arn}"]`).count()).toBe(0);
    expect(await saml.count()).toBe(0);
    await b.shot('console-providers');
  });

  it('sign-in connectors: created and changed in the console, secrets write-only (never on a page)', async () => {
    await openConsole(t, b.context, adminRole);
    const providerArn = `arn:aws:iam::${t.accountId}:oidc-provider/idp.console.example`;
    const secret = 'Cl1ent-Secret-Never-Shown-7d3f';
    await p().goto(`${t.url}/console/connectors`);
    await p().locator('summary', { hasText: 'Add a connector' }).click();
    await p().fill('#id', 'corp-oidc');
    await p().selectOption('#type', 'oidc');
    await p().fill('#displayName', 'Corp SSO');
    await p().fill('#providerArn', providerArn);
    await p().fill('#settings', JSON.stringify({ issuer: 'https://idp.console.example', clientId: 'sts.amazonaws.com' }));
    await p().fill('#secrets', JSON.stringify({ clientSecret: secret }));
    await Promise.all([p().waitForURL(/\/console\/connectors$/), p().getByTestId('create-connector').click()]);
    expect(await p().getByTestId('flash').textContent()).toContain('Connector corp-oidc created');
    const row = p().locator('tr[data-id="corp-oidc"]');
    expect(await row.textContent()).toContain('clientSecret');
    expect(await p().content()).not.toContain(secret);
    await Promise.all([p().waitForURL(/\/console\/connectors\/edit/), row.locator('a').first().click()]);
    expect(await p().content()).not.toContain(secret);
    expect(await p().inputValue('#secrets')).toBe('');
    await p().fill('#displayName', 'Corp single sign-on');
    await Promise.all([p().waitForURL(/\/console\/connectors\/edit/), p().getByTestId('update-connector').click()]);
    expect(await p().getByTestId('flash').textContent()).toContain('saved');
    expect(await p().inputValue('#displayName')).toBe('Corp single sign-on');
    // Saving without secrets kept them; an invalid Settings is refused with the factory's message, form kept.
    expect(await p().locator('#secrets-hint').textContent()).toContain('Stored: clientSecret');
    await p().fill('#settings', '{"issuer": "not a url", "clientId": "x"}');
    await p().getByTestId('update-connector').click();
    await p().waitForLoadState('load');
    expect(await p().getByTestId('error').textContent()).toMatch(/issuer/);
    const stored = await t.database.db.query<{ settings: Record<string, unknown> }>(`SELECT settings FROM sign_in_connectors WHERE id = 'corp-oidc'`);
    expect(stored.rows[0]!.settings).toMatchObject({ issuer: 'https://idp.console.example' });
  });

  it('a revoked console role session stops at once: the next page says so', async () => {
    await signInBrowser(ada);
    const s = await openConsole(t, b.context, adminRole);
    const raw = JSON.parse((await t.services.cache.get(`console:${s.id}`))!) as { accessKeyId: string };
    expect((await p().goto(`${t.url}/console/mfa`))!.status()).toBe(200);
    // Revoked from outside (RevokeSession by its access key id, as the root user).
    const r = await iamQuery(t.url, t.root, 'RevokeSession', { AccessKeyId: raw.accessKeyId });
    expect(r.status, r.text).toBe(200);
    const after = await p().goto(`${t.url}/console/mfa`);
    expect(after!.status()).toBe(401);
    expect(await p().getByTestId('error').textContent()).toContain('console role session has ended');
  });

  it('refuses a POST without the CSRF token, and a signed-out visit goes to sign-in', async () => {
    const j = await signInJar(ada);
    const forged = await j.post('/console/sessions/revoke', { id: 'ls-aaaaaaaaaaaaaaaaaaaaaaaa' });
    expect(forged.status).toBe(403);
    const css = await fetch(`${t.url}/assets/console-sections.css`);
    expect(css.status, await css.clone().text()).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const anon = await new Jar(t.url).get('/console/audit');
    expect(anon.status).toBe(303);
    expect(anon.location).toMatch(/^\/signin\?return_to=%2Fconsole%2Faudit/);
    // Signed in but no console opened for this session.
    const none = await j.get('/console/audit');
    expect(none.status).toBe(401);
    expect(none.headers.get('cache-control')).toBe('no-store');
    expect(none.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});

/** Hostile input to the sections (no browser needed): a clear 4xx page or a refusal message, never a 500. */
describe('console sections refuse hostile input', () => {
  let t: TestTessera;
  let j: Jar;
  beforeAll(async () => {
    t = await startTestTessera();
    const u = await makeLocalUser(t, 'eve');
    const role = await consoleRole(t, 'Admin', [{ Effect: 'Allow', Action: '*', Resource: '*' }], ['eve']);
    j = new Jar(t.url);
    const f = await j.get('/signin/local');
    await j.post('/signin/local', { csrf: csrfOf(f.text), account: '', username: u.name, password: u.password });
    await openConsoleFor(t, j.cookies.get('__Host-tessera-session')!, role);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('GET pages with bad parameters answer 4xx with a message', async () => {
    const cases: [string, number, RegExp][] = [
      ['/console/audit?marker=%00%01', 400, /marker/i],
      [`/console/audit?marker=${Buffer.from('x|1').toString('base64url')}`, 400, /InvalidInput: Invalid Marker/],
      ['/console/audit?outcome=maybe', 400, /ValidationError/],
      ['/console/audit?end=2020-01-01T00:00:00Z&start=2021-01-01T00:00:00Z', 400, /StartTime must not be later/],
      ['/console/audit?action=%3Cscript%3Ealert(1)%3C/script%3E', 400, /ValidationError/],
      ['/console/audit/event?request=x&event=abc', 404, /No such event/],
      ['/console/audit/event?request=nope&event=1', 404, /No such event/],
      ['/console/providers/oidc?arn=arn:aws:iam::123456789012:oidc-provider/none.example', 404, /NoSuchEntity/],
      ['/console/providers/saml?arn=%3Cb%3E', 400, /ValidationError|InvalidInput/],
      ['/console/connectors/edit?id=NOPE', 400, /ValidationError/],
      ['/console/sessions?user=nobody', 404, /NoSuchEntity|cannot be found/],
      ['/console/sessions?marker=%%%', 400, /marker/i],
      ['/console/mfa?status=Everything&marker=a.b', 400, /marker/i],
    ];
    for (const [path, status, text] of cases) {
      const r = await j.get(path);
      expect(r.status, `${path}: ${r.text.slice(0, 300)}`).toBe(status);
      expect(r.text, path).toMatch(text);
      // Reflected input is escaped.
      expect(r.text, path).not.toContain('<script>alert(1)</script>');
    }
  });

  it('the audit page pages with "Older events" (keyset Marker), keeping the filters', async () => {
    const iam = iamClient(t, t.root);
    for (let i = 0; i < 60; i++) await iam.send(new ListMFADevicesCommand({}));
    const first = await j.get('/console/audit?action=ListMFADevices');
    expect(first.status).toBe(200);
    const ids = (s: string) => [...s.matchAll(/event=(\d+)/g)].map((m) => m[1]);
    expect(ids(first.text)).toHaveLength(50);
    const older = /href="([^"]+)" data-testid="audit-older"/.exec(first.text)![1]!.replace(/&amp;/g, '&');
    expect(older).toContain('action=ListMFADevices');
    const second = await j.get(older);
    expect(ids(second.text)).toHaveLength(10);
    expect(ids(second.text).filter((x) => ids(first.text).includes(x))).toEqual([]);
    expect(second.text).not.toContain('data-testid="audit-older"');
  });

  it('POSTs with missing, repeated or oversized fields come back as a refusal message', async () => {
    const page = await j.get('/console/mfa');
    const csrf = csrfOf(page.text);
    const posts: [string, Record<string, string | string[]>][] = [
      ['/console/providers/oidc/delete', { csrf }],
      ['/console/providers/oidc/delete', { csrf, arn: ['a', 'b'] }],
      ['/console/providers/oidc/create', { csrf, url: 'ftp://x', clientIds: 'a\nb', thumbprints: 'zz' }],
      ['/console/providers/saml/create', { csrf, name: 'bad name!', metadata: '<not-xml' }],
      ['/console/connectors/delete', { csrf, id: 'x'.repeat(5000) }],
      ['/console/sessions/revoke', { csrf, id: 'ls-nope' }],
      ['/console/sessions/revoke-person', { csrf }],
      ['/console/sessions/revoke-credentials', { csrf }],
      ['/console/sessions/revoke-role', { csrf, roleName: 'r', issuedBefore: 'soon' }],
      ['/console/mfa/deactivate', { csrf, serial: 'x', user: 'nobody' }],
      ['/console/mfa/create', { csrf, user: 'nobody', device: 'd' }],
    ];
    for (const [path, form] of posts) {
      const r = await j.post(path, form);
      expect(r.status, `${path}: ${r.text.slice(0, 300)}`).toBe(303);
      const next = await j.get(r.location!);
      expect(next.status, path).toBeLessThan(500);
      expect(next.text, path).toMatch(/data-testid="flash"[^>]*>[A-Za-z]+(Error|Input|Entity|Denied)?:? |data-testid="flash"/);
      expect(next.text, path).toContain('role="alert" data-testid="flash"');
    }
    // The enable step with wrong codes shows the form again with the refusal, 400.
    const en = await j.post('/console/mfa/enable', { csrf, user: 'eve', serial: `arn:aws:iam::${t.accountId}:mfa/none`, code1: '000000', code2: '111111' });
    expect(en.status).toBe(400);
    expect(en.text).toMatch(/NoSuchEntity|InvalidAuthenticationCode|ValidationError/);
  });
});
