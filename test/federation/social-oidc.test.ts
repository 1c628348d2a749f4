import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleConnector } from '../../src/federation/social/google.js';
import { microsoftConnector } from '../../src/federation/social/microsoft.js';
import { gitlabConnector } from '../../src/federation/social/gitlab.js';
import type { ConnectorConfig, ConnectorDeps, ConnectorFactory, ConnectorType, SignInConnector } from '../../src/federation/connector.js';
import type { OidcProviderRecord } from '../../src/federation/oidc/verify.js';
import { SignInError } from '../../src/federation/sign-in-errors.js';
import { startTestOp, type TestOp } from '../fixtures/oidc-op.js';

/**
 * The Google, Microsoft Entra ID and GitLab presets, each against a real oidc-provider standing
 * in for the service (issuer/authority/baseUrl pointed at it), with the claims that service puts
 * in its ID tokens (hd, tid, groups_direct).
 */
const CALLBACK = 'http://127.0.0.1:9/signin/x/callback';
const ACCOUNT = '123456789012';
const TENANT = '8f1e7a2c-5b3d-4c6e-9f0a-1b2c3d4e5f60';
const GROUP_ID = 'a1b2c3d4-0000-4000-8000-00000000beef';
const OTHER_TENANT = '00000000-1111-2222-3333-444444444444';
const providers = new Map<string, OidcProviderRecord>();
const arnFor = (issuer: string) => `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer.replace(/^https?:\/\//, '')}`;
const register = (issuer: string, clientId: string) => providers.set(arnFor(issuer), { arn: arnFor(issuer), url: issuer, clientIds: [clientId] });

const deps = (): ConnectorDeps => ({
  logger: { warn: () => {} },
  allowInsecure: true,
  oidcProvider: async (a) => providers.get(a) ?? null,
  samlProvider: async () => null,
  consumeOnce: async () => true,
  publicUrl: 'http://127.0.0.1:9',
});
const cfg = (type: ConnectorType, providerArn: string, settings: Record<string, unknown>, secret: string): ConnectorConfig => ({
  id: type,
  type,
  accountId: ACCOUNT,
  displayName: type,
  providerArn,
  requireMfa: false,
  allowIdpInitiated: false,
  settings,
  secrets: { clientSecret: secret },
});
const build = (f: ConnectorFactory, c: ConnectorConfig): SignInConnector => {
  f.validate(c);
  return f.create(c, deps());
};
const rt = () => ({ now: new Date(), callbackUrl: CALLBACK });
async function signIn(op: TestOp, c: SignInConnector, user: string) {
  const begun = await c.login.beginLogin(rt(), 'st');
  const back = await op.loginOverHttp(begun.redirectUrl, user);
  return { begun, authorize: new URL(begun.redirectUrl), run: () => c.login.completeLogin(rt(), { method: 'GET', query: back.searchParams, body: {} }, begun.remember) };
}
async function refused(p: Promise<unknown>): Promise<SignInError> {
  const e = await p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(SignInError);
  return e as SignInError;
}

let google: TestOp;
let entra: TestOp;
let entraMulti: TestOp;
let gitlab: TestOp;
beforeAll(async () => {
  google = await startTestOp({ redirectUris: [CALLBACK], idTokenExtras: (sub) => (sub === 'alice' ? { hd: 'corp.example' } : {}) });
  // Entra puts group object ids in the ID token whatever the scope (groupMembershipClaims).
  entra = await startTestOp({ redirectUris: [CALLBACK], path: `/${TENANT}/v2.0`, idTokenExtras: (sub) => ({ tid: sub === 'alice' ? TENANT : OTHER_TENANT, groups: [GROUP_ID] }) });
  entraMulti = await startTestOp({ redirectUris: [CALLBACK], path: '/organizations/v2.0', idTokenExtras: (sub) => ({ tid: sub === 'alice' ? TENANT : OTHER_TENANT }) });
  gitlab = await startTestOp({ redirectUris: [CALLBACK], conformIdTokenClaims: true, idTokenExtras: (sub) => ({ groups_direct: sub === 'alice' ? ['corp/platform'] : [] }) });
  for (const op of [google, entra, entraMulti, gitlab]) register(op.issuer, op.clientId);
});
afterAll(async () => {
  await Promise.all([google, entra, entraMulti, gitlab].map((op) => op?.close()));
});

describe('google', () => {
  const conf = (s: Record<string, unknown> = {}) => cfg('google', arnFor(google.issuer), { issuer: google.issuer, clientId: google.clientId, hostedDomain: 'corp.example', ...s }, google.clientSecret);
  it('sends hd= and accepts an ID token whose hd claim is the domain', async () => {
    const { authorize, run } = await signIn(google, build(googleConnector, conf()), 'alice');
    expect(authorize.searchParams.get('hd')).toBe('corp.example');
    const id = await run();
    expect(id.federated.subject).toBe('alice');
    expect(id.email).toBe('alice@corp.example');
  });
  it('refuses an account without the hosted domain (hd= alone proves nothing)', async () => {
    const { run } = await signIn(google, build(googleConnector, conf()), 'bob');
    const e = await refused(run());
    expect(e.reason).toBe('identity_not_allowed');
    expect(e.message).toBe('Only accounts of corp.example can sign in here.');
  });
  it('settings', () => {
    expect(() => googleConnector.validate(conf({ hostedDomain: 'not a domain' }))).toThrow(/hostedDomain/);
    expect(() => googleConnector.validate(conf({ tenant: 'x' }))).toThrow(/settings.tenant is not a setting/);
  });
});

describe('microsoft', () => {
  const authority = () => entra.issuer.slice(0, entra.issuer.indexOf(`/${TENANT}`));
  const conf = (s: Record<string, unknown> = {}) => cfg('microsoft', arnFor(entra.issuer), { authority: authority(), tenant: TENANT, clientId: entra.clientId, ...s }, entra.clientSecret);
  it('single tenant: the tenant issuer, groups (ids) from the groups claim', async () => {
    const { authorize, run } = await signIn(entra, build(microsoftConnector, conf()), 'alice');
    expect(authorize.origin).toBe(new URL(entra.issuer).origin);
    const id = await run();
    expect(id.federated.issuer).toBe(entra.issuer);
    expect(id.federated.providerArn).toBe(arnFor(entra.issuer));
    expect(id.groups).toEqual([GROUP_ID]);
  });
  it('refuses a token of another tenant (tid)', async () => {
    const { run } = await signIn(entra, build(microsoftConnector, conf()), 'bob');
    const e = await refused(run());
    expect(e.reason).toBe('identity_not_allowed');
    expect(e.message).toContain(OTHER_TENANT);
  });
  it('multi-tenant: tid must be in allowedTenants; the identity is of its tenant issuer’s IAM provider', async () => {
    const mAuthority = entraMulti.issuer.slice(0, entraMulti.issuer.indexOf('/organizations'));
    const c = cfg('microsoft', arnFor(entra.issuer), { authority: mAuthority, tenant: 'organizations', allowedTenants: [TENANT], clientId: entraMulti.clientId }, entraMulti.clientSecret);
    const a = await signIn(entraMulti, build(microsoftConnector, c), 'alice');
    expect((await a.run()).federated.providerArn).toBe(arnFor(entraMulti.issuer));
    const b = await signIn(entraMulti, build(microsoftConnector, c), 'bob');
    expect((await refused(b.run())).reason).toBe('identity_not_allowed');
  });
  it('settings', () => {
    expect(() => microsoftConnector.validate(conf({ tenant: 'common' }))).toThrow(/allowedTenants is required/);
    expect(() => microsoftConnector.validate(conf({ tenant: 'consumers' }))).toThrow(/consumers/);
    expect(() => microsoftConnector.validate(conf({ tenant: 'bad tenant' }))).toThrow(/settings.tenant/);
    expect(() => microsoftConnector.validate(conf({ tenant: 'common', allowedTenants: ['contoso.com'] }))).toThrow(/GUIDs/);
    expect(() => microsoftConnector.validate(conf({ tenant: 'contoso.onmicrosoft.com' }))).not.toThrow();
  });
});

describe('gitlab', () => {
  const conf = (s: Record<string, unknown> = {}) =>
    cfg('gitlab', arnFor(gitlab.issuer), { baseUrl: gitlab.issuer, clientId: gitlab.clientId, scopes: ['openid', 'email', 'profile', 'groups'], ...s }, gitlab.clientSecret);
  it('groups: groups (userinfo) and groups_direct (ID token)', async () => {
    const { run } = await signIn(gitlab, build(gitlabConnector, conf()), 'alice');
    const id = await run();
    expect(id.groups).toEqual(['engineering', 'admins', 'corp/platform']);
    expect(id.email).toBe('alice@corp.example');
    expect(gitlab.hits()['/me']).toBeGreaterThan(0);
  });
  it('settings', () => {
    expect(() => gitlabConnector.validate(conf({ baseUrl: 'gitlab.example' }))).toThrow(/baseUrl/);
  });
});
