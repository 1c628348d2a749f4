import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateSAMLProviderCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { iamClient } from '../support/clients.js';
import { makeIdpKeys, type IdpKeys } from '../fixtures/saml-idp.js';
import { MFA_CONTEXT, postedForm, startSamlifyIdp, type IdpBehaviour, type SamlifyIdp } from '../fixtures/samlify-idp.js';
import { samlConnector, MFA_CONTEXTS } from '../../src/federation/saml/connector.js';
import { verifySamlResponse } from '../../src/federation/saml/verify.js';
import type { ConnectorConfig, ConnectorDeps, ConnectorIdentity, ConnectorRuntime, SignInConnector } from '../../src/federation/connector.js';
import { SignInConfigError, SignInError } from '../../src/federation/sign-in-errors.js';
import { workerPool } from '../../src/workers/pool.js';

/**
 * The SAML sign-in connector against a real SAML IdP (samlify, test/fixtures/samlify-idp.ts) and a
 * real Tessera's store (the IAM SAML provider made with CreateSAMLProvider, one-time uses in
 * Postgres), verification in the SAML worker pool as in production: beginLogin → the IdP's login
 * page over HTTP → the auto-POST form's SAMLResponse + RelayState → completeLogin.
 */
let t: TestTessera;
let idp: SamlifyIdp;
let sp: IdpKeys;
let other: IdpKeys;
let providerArn: string;
let deps: ConnectorDeps;

const ROLE = 'arn:aws:iam::123456789012:role/engineer';
beforeAll(async () => {
  t = await startTestTessera();
  [sp, other] = await Promise.all([makeIdpKeys('tessera-sp'), makeIdpKeys('someone-else')]);
  idp = await startSamlifyIdp({
    users: {
      alice: { password: 'wonderland', nameId: 'alice-0001', email: 'alice@corp.example', name: 'Alice Liddell', groups: ['engineers', 'admins'], roleSessionName: 'alice', tags: { team: 'core' } },
      bob: { password: 'builder', nameId: 'bob-0002', email: 'bob@corp.example', name: 'Bob', groups: ['ops'], authnContext: MFA_CONTEXT },
    },
    wantAuthnRequestsSigned: false,
  });
  const iam = iamClient(t, t.root);
  const out = await iam.send(new CreateSAMLProviderCommand({ Name: 'Samlify', SAMLMetadataDocument: idp.metadata }));
  providerArn = out.SAMLProviderArn!;
  idp.users.alice!.roles = [`${ROLE},${providerArn}`];
  deps = {
    logger: { warn() {} },
    allowInsecure: true,
    publicUrl: t.url,
    samlProvider: (arn) => t.services.federationDirectory.samlProvider(arn),
    oidcProvider: async () => null,
    consumeOnce: (scope, id, exp, now) => t.services.oneTimeUses.consume(scope, id, exp, now),
    samlVerifier: (b64, verification) => workerPool('saml').run('saml.verifySignIn', { b64, verification }),
  };
}, 120_000);
afterAll(async () => {
  await idp?.close();
  await t?.stop();
});

function config(over: Partial<Omit<ConnectorConfig, 'settings'>> & { settings?: Record<string, unknown> } = {}): ConnectorConfig {
  return {
    id: 'corp-saml',
    type: 'saml',
    accountId: t.accountId,
    displayName: 'Corp SAML',
    providerArn,
    requireMfa: false,
    allowIdpInitiated: false,
    secrets: {},
    ...over,
    settings: { entryPoint: idp.ssoUrl, ...over.settings },
  };
}

const rtFor = (c: SignInConnector): ConnectorRuntime => ({ now: new Date(), callbackUrl: `${t.url}/signin/${c.id}/callback` });

function connector(over: Parameters<typeof config>[0] = {}, behaviour: IdpBehaviour = {}): SignInConnector {
  const cfg = config(over);
  samlConnector.validate(cfg);
  const c = samlConnector.create(cfg, deps);
  idp.setServiceProvider(c.spMetadata!(rtFor(c)));
  idp.behaviour = behaviour;
  return c;
}

/** Fill the IdP's login page over HTTP; the answer is its auto-POST form. */
async function loginAt(startUrl: string, user = 'alice', password?: string) {
  const page = await fetch(startUrl);
  const html = await page.text();
  expect(page.status, html).toBe(200);
  const pending = /name="pending" value="([^"]+)"/.exec(html)![1]!;
  const creds = { alice: 'wonderland', bob: 'builder' } as Record<string, string>;
  const res = await fetch(`${idp.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ pending, username: user, password: password ?? creds[user]! }),
  });
  const out = await res.text();
  expect(res.status, out).toBe(200);
  return postedForm(out);
}

async function begin(c: SignInConnector, user = 'alice') {
  const rt = rtFor(c);
  const state = randomBytes(16).toString('base64url');
  const { redirectUrl, remember } = await c.login.beginLogin(rt, state);
  const form = await loginAt(redirectUrl, user);
  return { rt, state, remember, form };
}

const complete = (c: SignInConnector, form: { SAMLResponse: string; RelayState?: string | undefined }, remembered: Record<string, string> | null, rt = rtFor(c)) =>
  c.login.completeLogin(rt, { method: 'POST', query: new URLSearchParams(), body: { SAMLResponse: form.SAMLResponse, ...(form.RelayState !== undefined ? { RelayState: form.RelayState } : {}) } }, remembered);

async function refused(p: Promise<unknown>): Promise<SignInError> {
  const e = await p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SignInError);
  return e as SignInError;
}

const xmlOf = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

describe('SAML sign-in connector: SP-initiated, real samlify IdP', () => {
  it('signs alice in: the principal AssumeRoleWithSAML would make, her groups, email and name; RelayState = the router state', async () => {
    const c = connector();
    expect(c.capabilities).toEqual(['redirect', 'post-callback', 'groups']);
    expect(c.login.stateParam).toEqual({ in: 'body', name: 'RelayState' });
    const { rt, state, remember, form } = await begin(c);
    expect(form.RelayState).toBe(state);
    expect(form.action).toBe(rt.callbackUrl);
    const req = idp.requests.at(-1)!;
    expect(req.id).toBe(remember.requestId);
    expect(req.issuer).toBe(`${t.url}/signin/corp-saml/metadata`);
    expect(req.signed).toBe(false);

    const who: ConnectorIdentity = await complete(c, form, remember, rt);
    expect(who.federated.providerArn).toBe(providerArn);
    expect(who.federated.kind).toBe('saml');
    expect(who.federated.subject).toBe('alice-0001');
    expect(who.federated.conditionKeys['saml:sub']).toBe('alice-0001');
    expect(who.federated.conditionKeys['saml:iss']).toBe(idp.entityId);
    expect(who.federated.conditionKeys['saml:aud']).toBe(rt.callbackUrl);
    expect(who.federated.conditionKeys['saml:doc']).toBe(`${t.accountId}/Samlify`);
    expect(who.federated.persistentKeys).toMatchObject({ 'saml:sub': 'alice-0001', 'saml:sub_type': 'persistent' });
    expect(who.federated.session.sessionName).toBe('alice');
    expect(who.federated.session.tags).toEqual({ team: 'core' });
    expect(who.federated.saml?.roles).toEqual([{ roleArn: ROLE, providerArn }]);
    expect(who.groups).toEqual(['engineers', 'admins']);
    expect(who.email).toBe('alice@corp.example');
    expect(who.displayName).toBe('Alice Liddell');
    expect(who.upstreamMfa).toBeUndefined();
  });

  it('the identity is exactly what the AssumeRoleWithSAML verifier builds from the same response', async () => {
    const c = connector();
    const { rt, remember, form } = await begin(c);
    const provider = (await t.services.federationDirectory.samlProvider(providerArn))!;
    const sts = await verifySamlResponse(form.SAMLResponse, { provider, sp: { audiences: [`${t.url}/signin/corp-saml/metadata`], recipients: [rt.callbackUrl] }, accountId: t.accountId, now: rt.now });
    const who = await complete(c, form, remember, rt);
    expect(who.federated).toEqual(sts);
  });

  it('an MFA AuthnContextClassRef becomes upstreamMfa with the AuthnInstant; a custom groups attribute is honoured', async () => {
    const c = connector({ settings: { groupsAttribute: 'email' } });
    const { rt, remember, form } = await begin(c, 'bob');
    const who = await complete(c, form, remember, rt);
    expect(who.upstreamMfa?.authTime).toBeInstanceOf(Date);
    expect(Math.abs(who.upstreamMfa!.authTime.getTime() - Date.now())).toBeLessThan(60_000);
    expect(who.groups).toEqual(['bob@corp.example']);
    expect(MFA_CONTEXTS).toContain(MFA_CONTEXT);
    // mfaContexts replaces the default list
    const strict = connector({ settings: { mfaContexts: ['https://refeds.org/profile/mfa'] } });
    const b = await begin(strict, 'bob');
    expect((await complete(strict, b.form, b.remember, b.rt)).upstreamMfa).toBeUndefined();
  });

  it('signed AuthnRequests: the IdP (wantAuthnRequestsSigned) verifies the Redirect signature against the SP metadata certificate', async () => {
    const strictIdp = await startSamlifyIdp({ users: idp.users, wantAuthnRequestsSigned: true, keys: idp.keys, entityId: idp.entityId });
    try {
      const cfg = config({ settings: { entryPoint: strictIdp.ssoUrl, signAuthnRequests: true, spCertificate: sp.cert }, secrets: { spPrivateKey: sp.key } });
      samlConnector.validate(cfg);
      const c = samlConnector.create(cfg, deps);
      const rt = rtFor(c);
      const md = c.spMetadata!(rt);
      expect(md).toContain('AuthnRequestsSigned="true"');
      strictIdp.setServiceProvider(md);
      const { redirectUrl, remember } = await c.login.beginLogin(rt, 'st');
      expect(new URL(redirectUrl).searchParams.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
      const form = await (async () => {
        const page = await fetch(redirectUrl);
        expect(page.status).toBe(200);
        const pending = /name="pending" value="([^"]+)"/.exec(await page.text())![1]!;
        const res = await fetch(`${strictIdp.url}/login`, { method: 'POST', body: new URLSearchParams({ pending, username: 'alice', password: 'wonderland' }) });
        return postedForm(await res.text());
      })();
      expect(strictIdp.requests.at(-1)).toMatchObject({ id: remember.requestId, signed: true });
      expect((await complete(c, form, remember, rt)).federated.subject).toBe('alice-0001');
      // The same IdP refuses an unsigned request: the signature it checked was real.
      const unsigned = samlConnector.create(config({ settings: { entryPoint: strictIdp.ssoUrl } }), deps);
      const r = await fetch((await unsigned.login.beginLogin(rtFor(unsigned), 's2')).redirectUrl);
      expect(r.status).toBe(400);
    } finally {
      await strictIdp.close();
    }
  });

  it('SP metadata: entity id, ACS (HTTP-POST), WantAssertionsSigned, NameIDFormat, the SP certificate for signing and encryption', () => {
    const c = connector({ settings: { spCertificate: sp.cert, entityId: 'urn:tessera:corp' }, secrets: { spPrivateKey: sp.key } });
    const md = c.spMetadata!(rtFor(c));
    expect(md).toContain('entityID="urn:tessera:corp"');
    expect(md).toContain('AuthnRequestsSigned="false"');
    expect(md).toContain('WantAssertionsSigned="true"');
    expect(md).toContain(`<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${t.url}/signin/corp-saml/callback"`);
    expect(md).toContain('<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>');
    const body = sp.cert.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
    expect(md).toContain(`<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${body}`);
    expect(md).toContain(`<md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${body}`);
    expect(connector().spMetadata!(rtFor(c))).not.toContain('KeyDescriptor');
  });
});

describe('SAML sign-in connector: InResponseTo, single use, unsolicited', () => {
  it('refuses a response to another request id', async () => {
    const c = connector();
    const a = await begin(c);
    const b = await begin(c);
    const e = await refused(complete(c, b.form, a.remember));
    expect(e.reason).toBe('not_in_response_to_us');
    // …and a remembered id missing altogether
    expect((await refused(complete(c, b.form, {}))).reason).toBe('not_in_response_to_us');
  });

  it('refuses a response without InResponseTo when a request was sent, and one claiming to answer a request when none was', async () => {
    const c = connector({ allowIdpInitiated: true }, { inResponseTo: null });
    const a = await begin(c);
    expect((await refused(complete(c, a.form, a.remember))).reason).toBe('not_in_response_to_us');
    idp.behaviour = { inResponseTo: '_never-issued' };
    const u = await loginAt(idp.idpInitiatedUrl());
    expect((await refused(complete(c, u, null))).reason).toBe('not_in_response_to_us');
  });

  it('a request id is answered once', async () => {
    const c = connector();
    const a = await begin(c);
    await complete(c, a.form, a.remember);
    // The same request id again, with a fresh assertion from the IdP (not a replay of the first).
    idp.behaviour = { inResponseTo: a.remember.requestId! };
    const second = await loginAt(idp.idpInitiatedUrl(a.state));
    expect(second.SAMLResponse).not.toBe(a.form.SAMLResponse);
    expect((await refused(complete(c, second, a.remember))).reason).toBe('state_reused');
  });

  it('unsolicited (IdP-initiated) responses: refused unless allowIdpInitiated, then accepted once per assertion', async () => {
    const off = connector();
    expect(off.capabilities).not.toContain('idp-initiated');
    const u1 = await loginAt(idp.idpInitiatedUrl());
    expect(xmlOf(u1.SAMLResponse)).not.toContain('InResponseTo');
    expect((await refused(complete(off, u1, null))).reason).toBe('unsolicited_response');

    const on = connector({ allowIdpInitiated: true });
    expect(on.capabilities).toContain('idp-initiated');
    const u2 = await loginAt(idp.idpInitiatedUrl('whatever'));
    expect((await complete(on, u2, null)).federated.subject).toBe('alice-0001');
    // replayed assertion
    const e = await refused(complete(on, u2, null));
    expect(e.reason).toBe('assertion_invalid');
    expect(e.message).toMatch(/already been used/);
  });
});

describe('SAML sign-in connector: the verifier’s checks', () => {
  const stripSignatures = (xml: string) => xml.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/g, '');
  const cases: [string, IdpBehaviour, RegExp][] = [
    ['wrong audience', { audience: 'https://someone-else.example/sp' }, /audience does not match/],
    ['unsigned', { postProcess: stripSignatures }, /signature invalid/i],
    ['signed by another key', { signWith: undefined as never }, /signature invalid/i],
    ['tampered attribute', { postProcess: (x) => x.replace('>admins<', '>root<') }, /signature invalid/i],
    ['expired', { timeShiftMs: -20 * 60_000, lifetimeMs: 5 * 60_000 }, /expired|redeemed within 5 minutes/i],
  ];
  for (const [name, behaviour, message] of cases) {
    it(`refuses: ${name}`, async () => {
      const b = name === 'signed by another key' ? { signWith: other } : behaviour;
      const c = connector({}, b);
      const a = await begin(c);
      if (name === 'tampered attribute') expect(xmlOf(a.form.SAMLResponse)).toContain('>root<');
      const e = await refused(complete(c, a.form, a.remember));
      expect(e.reason).toBe('assertion_invalid');
      expect(e.message).toMatch(message);
    });
  }

  it('refuses a response posted to another ACS (recipient/destination)', async () => {
    const c = connector();
    const a = await begin(c);
    const e = await refused(complete(c, a.form, a.remember, { now: new Date(), callbackUrl: `${t.url}/signin/other/callback` }));
    expect(e.reason).toBe('assertion_invalid');
    expect(e.message).toMatch(/Destination|Recipient/);
  });
});

describe('SAML sign-in connector: encrypted assertions', () => {
  const withKey = (settings: Record<string, unknown> = {}) => ({ settings: { spCertificate: sp.cert, ...settings }, secrets: { spPrivateKey: sp.key } });

  it('decrypts an assertion encrypted to the SP certificate (Response signed over the ciphertext) and verifies it as a plain one', async () => {
    const c = connector(withKey(), { encrypt: true });
    const a = await begin(c);
    const xml = xmlOf(a.form.SAMLResponse);
    expect(xml).toContain('EncryptedAssertion');
    expect(xml).not.toContain('alice-0001');
    const who = await complete(c, a.form, a.remember);
    expect(who.federated.subject).toBe('alice-0001');
    expect(who.groups).toEqual(['engineers', 'admins']);
  });

  it('decrypts when only the (inner) assertion is signed', async () => {
    const c = connector(withKey(), { encrypt: true, signResponse: false });
    const a = await begin(c);
    expect(xmlOf(a.form.SAMLResponse)).not.toMatch(/<ds:Signature/);
    expect((await complete(c, a.form, a.remember)).federated.subject).toBe('alice-0001');
  });

  it('refuses an assertion encrypted to another key', async () => {
    const c = connector(withKey(), { encrypt: true, encryptTo: other.cert });
    const a = await begin(c);
    const e = await refused(complete(c, a.form, a.remember));
    expect(e.reason).toBe('assertion_invalid');
    expect(e.message).toMatch(/could not be decrypted and verified/);
  });

  it('refuses a tampered ciphertext with the same message as a wrong key (no decryption oracle)', async () => {
    const c = connector(withKey(), { encrypt: true, postProcess: (x) => x.replace(/(<(?:\w+:)?CipherValue>)([A-Za-z0-9+/]{8})/g, (_m, tag: string, v: string) => tag + (v[0] === 'A' ? 'B' : 'A') + v.slice(1)) });
    const a = await begin(c);
    const e = await refused(complete(c, a.form, a.remember));
    expect(e.message).toMatch(/could not be decrypted and verified/);
  });

  it('refuses two EncryptedAssertions, or a plaintext assertion beside one (wrapping)', async () => {
    const dup = connector(withKey(), { encrypt: true, postProcess: (x) => x.replace(/(<(\w+:)?EncryptedAssertion[\s\S]*?<\/(\w+:)?EncryptedAssertion>)/, '$1$1') });
    const a = await begin(dup);
    expect((await refused(complete(dup, a.form, a.remember))).message).toMatch(/more than one assertion|duplicate IDs/);
    const plain = connector(withKey());
    const p = await begin(plain);
    const assertionXml = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xmlOf(p.form.SAMLResponse))![0];
    const mixed = connector(withKey(), { encrypt: true, postProcess: (x) => x.replace(/(<\/samlp:Status>)/, `$1${assertionXml}`) });
    const m = await begin(mixed);
    expect((await refused(complete(mixed, m.form, m.remember))).message).toMatch(/more than one assertion/);
  });

  it('refuses 3DES data encryption and RSA PKCS#1 v1.5 key transport before decrypting', async () => {
    const c = connector(withKey(), { encrypt: true, postProcess: (x) => x.replace('http://www.w3.org/2001/04/xmlenc#aes256-cbc', 'http://www.w3.org/2001/04/xmlenc#tripledes-cbc') });
    const a = await begin(c);
    expect((await refused(complete(c, a.form, a.remember))).message).toMatch(/AES is required/);
    const k = connector(withKey(), { encrypt: true, postProcess: (x) => x.replace('http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p', 'http://www.w3.org/2001/04/xmlenc#rsa-1_5') });
    const b = await begin(k);
    expect((await refused(complete(k, b.form, b.remember))).message).toMatch(/RSA-OAEP is required/);
  });

  it('refuses a plaintext assertion when requireEncryptedAssertions', async () => {
    const c = connector(withKey({ requireEncryptedAssertions: true }));
    const a = await begin(c);
    const e = await refused(complete(c, a.form, a.remember));
    expect(e.reason).toBe('assertion_invalid');
    expect(e.message).toMatch(/only encrypted/);
  });

  it('a connector without an SP key refuses encrypted assertions (as AssumeRoleWithSAML does)', async () => {
    const keyed = connector(withKey(), { encrypt: true });
    const plain = samlConnector.create(config(), deps);
    const a = await begin(keyed);
    const e = await refused(complete(plain, a.form, a.remember));
    expect(e.message).toMatch(/Encrypted SAML assertions are not supported/);
  });
});

describe('SAML sign-in connector: hostile input is a SignInError, never a crash', () => {
  const garbage: [string, Record<string, string>, string?][] = [
    ['no SAMLResponse', {}],
    ['truncated base64', { SAMLResponse: 'PHNhbWxwOlJlc3BvbnNl' + 'abc' }],
    ['not XML', { SAMLResponse: Buffer.from('hello world').toString('base64') }],
    ['DOCTYPE / billion laughs', { SAMLResponse: Buffer.from('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&lol2;</samlp:Response>').toString('base64') }],
    ['deep nesting', { SAMLResponse: Buffer.from('<a>'.repeat(5000) + '</a>'.repeat(5000)).toString('base64') }],
    ['huge', { SAMLResponse: 'A'.repeat(2_000_000) }],
    ['invalid UTF-8', { SAMLResponse: Buffer.from([0x3c, 0xff, 0xfe, 0x3e]).toString('base64') }],
  ];
  for (const [name, body] of garbage) {
    it(name, async () => {
      const c = connector();
      const e = await refused(c.login.completeLogin(rtFor(c), { method: 'POST', query: new URLSearchParams(), body }, { requestId: '_x' }));
      expect(['invalid_request', 'assertion_invalid']).toContain(e.reason);
      expect(e.status).toBe(400);
    });
  }

  it('a GET to the ACS is refused', async () => {
    const c = connector();
    const e = await refused(c.login.completeLogin(rtFor(c), { method: 'GET', query: new URLSearchParams({ SAMLResponse: 'x' }), body: {} }, { requestId: '_x' }));
    expect(e.reason).toBe('invalid_request');
  });

  it('a deleted IAM SAML provider: provider_missing', async () => {
    const c = samlConnector.create(config({ providerArn: `arn:aws:iam::${t.accountId}:saml-provider/Gone` }), deps);
    expect((await refused(c.login.beginLogin(rtFor(c), 's'))).reason).toBe('provider_missing');
  });
});

describe('SAML sign-in connector: settings', () => {
  const bad: [string, Parameters<typeof config>[0], RegExp][] = [
    ['no entryPoint', { settings: { entryPoint: undefined } }, /entryPoint/],
    ['entryPoint not a URL', { settings: { entryPoint: 'idp' } }, /absolute URL/],
    ['unknown setting', { settings: { wantFoo: true } }, /wantFoo is not a setting/],
    ['an OIDC provider ARN', { providerArn: 'arn:aws:iam::123456789012:oidc-provider/x.example' }, /SAML provider/],
    ['signAuthnRequests without a key', { settings: { signAuthnRequests: true } }, /spPrivateKey is required/],
    ['requireEncryptedAssertions without a key', { settings: { requireEncryptedAssertions: true } }, /spPrivateKey is required/],
    ['a key without its certificate', { secrets: { spPrivateKey: 'k' } }, /spCertificate is required/],
    ['a certificate that is not one', { settings: { spCertificate: 'nope' } }, /PEM X.509/],
    ['mfaContexts not a list', { settings: { mfaContexts: 'x' } }, /mfaContexts/],
  ];
  for (const [name, over, message] of bad) {
    it(`refuses ${name}`, () => {
      expect(() => samlConnector.validate(config(over))).toThrow(SignInConfigError);
      expect(() => samlConnector.validate(config(over))).toThrow(message);
    });
  }
  it('refuses a key that does not belong to the certificate', () => {
    expect(() => samlConnector.validate(config({ settings: { spCertificate: sp.cert }, secrets: { spPrivateKey: other.key } }))).toThrow(/does not belong/);
  });
  it('declares its secret', () => {
    expect(samlConnector.secretNames).toEqual(['spPrivateKey']);
    expect(samlConnector.type).toBe('saml');
  });
});
