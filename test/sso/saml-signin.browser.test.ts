import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignatureV4 } from '@smithy/signature-v4';
import { CreateSAMLProviderCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { iamClient } from '../support/clients.js';
import { Sha256 } from '../support/sha256.js';
import { browserAvailable, openBrowser, type TestBrowser } from '../support/browser.js';
import { makeIdpKeys, type IdpKeys } from '../fixtures/saml-idp.js';
import { MFA_CONTEXT, startSamlifyIdp, type SamlifyIdp } from '../fixtures/samlify-idp.js';
import { signinAudit } from './helpers.js';

/**
 * SAML sign-in end to end in Chromium: Tessera's /signin → the saml connector → the samlify IdP's
 * login page (filled in the browser) → the IdP's auto-POST to the ACS (/signin/<id>/callback) →
 * /session shows the principal (the IAM SAML provider ARN and saml:sub), groups and MFA. The IAM
 * SAML provider is made with CreateSAMLProvider from the IdP's metadata, the connectors with
 * CreateSignInConnector (SigV4), and the IdP is given Tessera's SP metadata from
 * /signin/<id>/metadata. IdP-initiated sign-in: a clear refusal page where it is not enabled.
 * Every page is screenshotted (test-results/screenshots/saml-*.png).
 */
describe.skipIf(!browserAvailable)('SAML sign-in in Chromium (samlify IdP)', () => {
  let t: TestTessera;
  let idp: SamlifyIdp;
  let b: TestBrowser;
  let sp: IdpKeys;
  let providerArn: string;

  async function adminQuery(action: string, params: Record<string, string | boolean>) {
    const signer = new SignatureV4({ credentials: t.root, region: 'us-east-1', service: 'iam', sha256: Sha256 as never });
    const u = new URL(t.url);
    const body = new URLSearchParams({ Action: action, Version: '2010-05-08', ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) }).toString();
    const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/', headers: { host: u.host, 'content-type': 'application/x-www-form-urlencoded' }, body });
    const r = await fetch(t.url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
    const text = await r.text();
    expect(r.status, text).toBe(200);
    return text;
  }

  /** Point the IdP at one of Tessera's connectors, with the SP metadata Tessera serves. */
  async function useConnector(id: string) {
    const r = await fetch(`${t.url}/signin/${id}/metadata`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/samlmetadata\+xml/);
    const xml = await r.text();
    idp.setServiceProvider(xml);
    return /entityID="([^"]+)"/.exec(xml)![1]!;
  }

  beforeAll(async () => {
    t = await startTestTessera();
    sp = await makeIdpKeys('tessera-sp');
    idp = await startSamlifyIdp({
      users: {
        alice: { password: 'wonderland', nameId: 'alice-0001', email: 'alice@corp.example', name: 'Alice Liddell', groups: ['engineers', 'admins'], roleSessionName: 'alice' },
        bob: { password: 'builder', nameId: 'bob-0002', email: 'bob@corp.example', name: 'Bob Builder', groups: ['ops'], authnContext: MFA_CONTEXT },
      },
      wantAuthnRequestsSigned: false,
    });
    providerArn = (await iamClient(t, t.root).send(new CreateSAMLProviderCommand({ Name: 'Samlify', SAMLMetadataDocument: idp.metadata }))).SAMLProviderArn!;
    await adminQuery('CreateSignInConnector', {
      Id: 'corp-saml',
      Type: 'saml',
      ProviderArn: providerArn,
      DisplayName: 'Corp SAML',
      Settings: JSON.stringify({ entryPoint: idp.ssoUrl }),
    });
    await adminQuery('CreateSignInConnector', {
      Id: 'corp-saml-enc',
      Type: 'saml',
      ProviderArn: providerArn,
      DisplayName: 'Corp SAML (encrypted)',
      AllowIdpInitiated: true,
      Settings: JSON.stringify({ entryPoint: idp.ssoUrl, spCertificate: sp.cert, signAuthnRequests: true, requireEncryptedAssertions: true }),
      Secrets: JSON.stringify({ spPrivateKey: sp.key }),
    });
    b = await openBrowser();
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await idp?.close();
    await t?.stop();
  });

  it('alice signs in at /signin through the saml connector: /session shows the SAML provider principal, saml:sub, groups, no MFA', async () => {
    const entityId = await useConnector('corp-saml');
    // The default SP entity id: TESSERA_PUBLIC_URL/signin/<id>/metadata.
    expect(entityId).toMatch(/^https?:\/\/[^/]+\/signin\/corp-saml\/metadata$/);
    idp.behaviour = {};
    const p = b.page;
    await p.goto(`${t.url}/signin`);
    await b.shot('saml-1-choose');
    await Promise.all([p.waitForURL(`${idp.url}/sso**`), p.getByTestId('connector-corp-saml').click()]);
    expect(await p.title()).toMatch(/Samlify IdP/);
    await b.shot('saml-2-idp-login');
    const req = idp.requests.at(-1)!;
    expect(req.issuer).toBe(entityId);

    // A wrong password first: the IdP says so and nothing reaches Tessera.
    await p.fill('input[name=username]', 'alice');
    await p.fill('input[name=password]', 'not-it');
    await Promise.all([p.waitForLoadState('load'), p.click('button[type=submit]')]);
    expect(await p.getByRole('alert').textContent()).toMatch(/Wrong username or password/);
    await b.shot('saml-3-idp-wrong-password');

    await p.fill('input[name=username]', 'alice');
    await p.fill('input[name=password]', 'wonderland');
    await Promise.all([p.waitForURL(`${t.url}/session`), p.click('button[type=submit]')]);
    await b.shot('saml-4-session-alice');
    expect(await p.getByTestId('provider').textContent()).toBe(providerArn);
    expect(await p.getByTestId('principal').textContent()).toBe(providerArn);
    expect(await p.getByTestId('subject').textContent()).toBe('alice-0001');
    expect(await p.getByTestId('connector').textContent()).toBe('corp-saml');
    expect(await p.getByTestId('groups').textContent()).toBe('engineers, admins');
    expect(await p.getByTestId('email').textContent()).toBe('alice@corp.example');
    expect(await p.getByTestId('display-name').textContent()).toBe('Alice Liddell');
    expect(await p.getByTestId('mfa').getAttribute('data-present')).toBe('false');

    const ok = (await signinAudit(t)).filter((r) => r.outcome === 'success' && r.principal_arn === providerArn);
    expect(ok.length).toBeGreaterThan(0);
    // The SAMLResponse never reaches the audit trail.
    expect(JSON.stringify(await signinAudit(t))).not.toMatch(/SAMLResponse|PHNhbWxw/);
  });

  it('bob (MFA at the IdP) signs in through the connector with signed AuthnRequests and encrypted assertions: MFA is upstream', async () => {
    await useConnector('corp-saml-enc');
    idp.behaviour = { encrypt: true };
    await b.context.clearCookies();
    const p = b.page;
    await p.goto(`${t.url}/signin`);
    await Promise.all([p.waitForURL(`${idp.url}/sso**`), p.getByTestId('connector-corp-saml-enc').click()]);
    expect(new URL(p.url()).searchParams.get('Signature')).toBeTruthy();
    await p.fill('input[name=username]', 'bob');
    await p.fill('input[name=password]', 'builder');
    await b.shot('saml-5-idp-login-bob');
    await Promise.all([p.waitForURL(`${t.url}/session`), p.click('button[type=submit]')]);
    await b.shot('saml-6-session-bob-mfa');
    expect(idp.requests.at(-1)!.signed).toBe(true);
    expect(await p.getByTestId('subject').textContent()).toBe('bob-0002');
    expect(await p.getByTestId('groups').textContent()).toBe('ops');
    expect(await p.getByTestId('mfa').getAttribute('data-present')).toBe('true');
    expect(await p.getByTestId('mfa').getAttribute('data-method')).toBe('upstream');
  });

  it('the encrypted connector refuses a plaintext assertion with a clear page', async () => {
    await useConnector('corp-saml-enc');
    idp.behaviour = {};
    await b.context.clearCookies();
    const p = b.page;
    await p.goto(`${t.url}/signin/corp-saml-enc`);
    await p.fill('input[name=username]', 'alice');
    await p.fill('input[name=password]', 'wonderland');
    await Promise.all([p.waitForURL(`${t.url}/signin/corp-saml-enc/callback`), p.click('button[type=submit]')]);
    await b.shot('saml-7-plaintext-refused');
    expect(await p.getByTestId('reason').textContent()).toBe('assertion_invalid');
    expect(await p.getByTestId('error').textContent()).toMatch(/only encrypted SAML assertions/);
  });

  it('IdP-initiated sign-in is refused with a clear page where it is not enabled, and accepted where it is', async () => {
    await useConnector('corp-saml');
    idp.behaviour = {};
    await b.context.clearCookies();
    const p = b.page;
    await p.goto(idp.idpInitiatedUrl());
    await p.fill('input[name=username]', 'alice');
    await p.fill('input[name=password]', 'wonderland');
    const [resp] = await Promise.all([p.waitForResponse((r) => r.url() === `${t.url}/signin/corp-saml/callback`), p.click('button[type=submit]')]);
    await p.waitForLoadState('load');
    expect(resp.status()).toBe(400);
    await b.shot('saml-8-idp-initiated-refused');
    expect(await p.getByTestId('reason').textContent()).toBe('unsolicited_response');
    expect(await p.getByTestId('error').textContent()).toMatch(/IdP-initiated/);
    expect((await b.context.cookies(t.url)).find((c) => c.name === '__Host-tessera-session')).toBeUndefined();

    await useConnector('corp-saml-enc');
    idp.behaviour = { encrypt: true };
    await p.goto(idp.idpInitiatedUrl());
    await p.fill('input[name=username]', 'alice');
    await p.fill('input[name=password]', 'wonderland');
    await Promise.all([p.waitForURL(`${t.url}/session`), p.click('button[type=submit]')]);
    await b.shot('saml-9-idp-initiated-accepted');
    expect(await p.getByTestId('subject').textContent()).toBe('alice-0001');
    expect(await p.getByTestId('connector').textContent()).toBe('corp-saml-enc');
  });
});
