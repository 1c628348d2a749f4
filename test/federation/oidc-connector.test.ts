import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcConnector } from '../../src/federation/oidc/connector.js';
import type { ConnectorConfig, ConnectorDeps, SignInConnector } from '../../src/federation/connector.js';
import type { OidcProviderRecord } from '../../src/federation/oidc/verify.js';
import { verifyWebIdentityToken } from '../../src/federation/oidc/verify.js';
import { JwksStore } from '../../src/federation/oidc/jwks.js';
import { SignInError } from '../../src/federation/sign-in-errors.js';
import { startTestOp, type TestOp } from '../fixtures/oidc-op.js';

/**
 * The OIDC sign-in connector against a real oidc-provider, no router: beginLogin → the OP's own
 * login page (driven over HTTP) → completeLogin. Each refusal is one the connector must make.
 */
const CALLBACK = 'http://127.0.0.1:9/signin/corp/callback';
const ACCOUNT = '123456789012';
let op: TestOp;
let providers: Map<string, OidcProviderRecord>;
const warnings: object[] = [];

const arnFor = (issuer: string) => `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer.replace(/^https?:\/\//, '')}`;

function deps(): ConnectorDeps {
  return {
    logger: { warn: (o) => void warnings.push(o) },
    allowInsecure: true,
    oidcProvider: async (arn) => providers.get(arn) ?? null,
    samlProvider: async () => null,
    consumeOnce: async () => true,
    publicUrl: 'http://127.0.0.1:9',
  };
}

function config(over: Partial<ConnectorConfig> = {}, settings: Record<string, unknown> = {}, secrets?: Record<string, string>): ConnectorConfig {
  return {
    id: 'corp',
    type: 'oidc',
    accountId: ACCOUNT,
    displayName: 'Corp SSO',
    providerArn: arnFor(op.issuer),
    requireMfa: false,
    allowIdpInitiated: false,
    settings: { issuer: op.issuer, clientId: op.clientId, scopes: ['openid', 'email', 'profile', 'groups', 'offline_access'], tagClaims: { department: 'Department' }, ...settings },
    secrets: secrets ?? { clientSecret: op.clientSecret },
    ...over,
  };
}

function build(cfg = config(), d = deps()): SignInConnector {
  oidcConnector.validate(cfg);
  return oidcConnector.create(cfg, d);
}

const rt = () => ({ now: new Date(), callbackUrl: CALLBACK });

/** beginLogin → the OP's login page → the callback's query. */
async function signIn(c: SignInConnector, user = 'alice', opts: { mfa?: boolean; state?: string } = {}) {
  const state = opts.state ?? `st-${Math.random().toString(36).slice(2)}`;
  const begun = await c.login.beginLogin(rt(), state);
  const back = await op.loginOverHttp(begun.redirectUrl, user, opts);
  expect(back.href.startsWith(CALLBACK)).toBe(true);
  return { begun, query: back.searchParams, state };
}

const complete = (c: SignInConnector, query: URLSearchParams, remembered: Record<string, string>) =>
  c.login.completeLogin(rt(), { method: 'GET', query, body: {} }, remembered);

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

beforeAll(async () => {
  op = await startTestOp({ redirectUris: [CALLBACK] });
  providers = new Map([[arnFor(op.issuer), { arn: arnFor(op.issuer), url: op.issuer, clientIds: [op.clientId, op.publicClientId] }]]);
});
afterAll(async () => {
  await op?.close();
});

describe('oidc connector: signing in', () => {
  it('sends the browser to the OP with code + PKCE S256, the router state and a nonce; remembers nonce and verifier', async () => {
    const c = build();
    const { redirectUrl, remember } = await c.login.beginLogin(rt(), 'router-state-1');
    const u = new URL(redirectUrl);
    expect(u.origin + u.pathname).toBe(`${op.issuer}/auth`);
    expect(u.searchParams.get('response_type')).toBe('code');
    expect(u.searchParams.get('state')).toBe('router-state-1');
    expect(u.searchParams.get('code_challenge_method')).toBe('S256');
    expect(u.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(u.searchParams.get('nonce')).toBe(remember.nonce);
    expect(u.searchParams.get('redirect_uri')).toBe(CALLBACK);
    expect(u.searchParams.get('scope')).toBe('openid email profile groups offline_access');
    // The verifier never leaves the server.
    expect(redirectUrl).not.toContain(remember.verifier!);
    expect(c.login.stateParam).toEqual({ in: 'query', name: 'state' });
  });

  it('signs alice in: the identity STS would build, groups, email, name, tags, a refresh token; no MFA on password only', async () => {
    const c = build();
    const { begun, query } = await signIn(c);
    const id = await complete(c, query, begun.remember);
    const prefix = op.issuer.replace('http://', '');
    expect(id.federated).toMatchObject({
      kind: 'oidc',
      providerArn: arnFor(op.issuer),
      keyPrefix: prefix,
      issuer: op.issuer,
      subject: 'alice',
      audience: op.clientId,
    });
    expect(id.federated.conditionKeys).toMatchObject({ [`${prefix}:sub`]: 'alice', [`${prefix}:aud`]: op.clientId, [`${prefix}:amr`]: ['pwd'] });
    expect(id.federated.persistentKeys).toEqual({ [`${prefix}:sub`]: 'alice', [`${prefix}:aud`]: op.clientId, [`${prefix}:amr`]: ['pwd'] });
    expect(id.federated.session.tags).toEqual({ Department: 'Research' });
    expect(id.groups).toEqual(['engineering', 'admins']);
    expect(id.email).toBe('alice@corp.example');
    expect(id.displayName).toBe('Alice Liddell');
    expect(id.upstreamMfa).toBeUndefined();
    expect(id.refreshToken).toEqual(expect.any(String));
  });

  it('amr with otp is upstream MFA, with its auth_time', async () => {
    const c = build();
    const { begun, query } = await signIn(c, 'bob', { mfa: true });
    const id = await complete(c, query, begun.remember);
    expect(id.groups).toEqual(['viewers']);
    expect(id.upstreamMfa?.authTime).toBeInstanceOf(Date);
    expect(Math.abs(id.upstreamMfa!.authTime.getTime() - Date.now())).toBeLessThan(60_000);
    const prefix = op.issuer.replace('http://', '');
    expect(id.federated.conditionKeys[`${prefix}:amr`]).toEqual(['pwd', 'otp']);
  });

  it('the identity equals what AssumeRoleWithWebIdentity builds from the same ID token', async () => {
    const c = build();
    let idToken = '';
    op.tamperNextIdToken(async (_claims, _sign, original) => ((idToken = original), original));
    const { begun, query } = await signIn(c);
    const id = await complete(c, query, begun.remember);
    const provider = providers.get(arnFor(op.issuer))!;
    const sts = await verifyWebIdentityToken(idToken, { findProvider: async () => provider, jwks: new JwksStore({ allowInsecure: true }), allowInsecure: true, now: new Date() });
    expect(id.federated.conditionKeys).toEqual(sts.conditionKeys);
    expect(id.federated.persistentKeys).toEqual(sts.persistentKeys);
    expect({ ...id.federated, session: {} }).toEqual({ ...sts, session: {} });
  });

  it('a public client (no secret) signs in with PKCE alone', async () => {
    const c = build(config({}, { clientId: op.publicClientId, scopes: ['openid', 'email'] }, {}));
    const { begun, query } = await signIn(c);
    const id = await complete(c, query, begun.remember);
    expect(id.federated.audience).toBe(op.publicClientId);
    expect(id.refreshToken).toBeUndefined();
  });

  it('refresh: the same person, groups as the OP says now', async () => {
    const c = build();
    const { begun, query } = await signIn(c);
    const id = await complete(c, query, begun.remember);
    op.accounts.get('alice')!.claims.groups = ['engineering'];
    try {
      const again = await c.refresh!.refresh(rt(), id.refreshToken!, id);
      expect(again.federated.subject).toBe('alice');
      expect(again.groups).toEqual(['engineering']);
      await expect(c.refresh!.refresh(rt(), 'not-a-refresh-token', id)).rejects.toMatchObject({ reason: 'upstream_error' });
    } finally {
      op.accounts.get('alice')!.claims.groups = ['engineering', 'admins'];
    }
  });
});

describe('oidc connector: refusals', () => {
  it('nonce mismatch', async () => {
    const c = build();
    const { begun, query } = await signIn(c);
    const e = await refused(complete(c, query, { ...begun.remember, nonce: 'another-nonce' }));
    expect(e.reason).toBe('token_invalid');
    expect(e.message).toMatch(/nonce/i);
  });

  it('a PKCE verifier that is not this flow’s', async () => {
    const c = build();
    const { begun, query } = await signIn(c);
    const e = await refused(complete(c, query, { ...begun.remember, verifier: 'x'.repeat(43) }));
    expect(e.reason).toBe('upstream_error');
    expect(e.message).toContain('invalid_grant');
  });

  it('a replayed code', async () => {
    const c = build();
    const { begun, query } = await signIn(c);
    await complete(c, query, begun.remember);
    const e = await refused(complete(c, query, begun.remember));
    expect(e.reason).toBe('upstream_error');
    expect(e.message).toContain('invalid_grant');
  });

  it('a tampered id_token (payload changed, signature kept)', async () => {
    const c = build();
    op.tamperNextIdToken(async (_c, _s, original) => {
      const [h, p, s] = original.split('.');
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
      claims.sub = 'mallory';
      return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    });
    const { begun, query } = await signIn(c);
    const e = await refused(complete(c, query, begun.remember));
    expect(e.reason).toBe('token_invalid');
  });

  it('an id_token for another audience (signed by the OP)', async () => {
    const c = build();
    op.tamperNextIdToken(async (claims, sign) => sign({ ...claims, aud: 'someone-else' }));
    const { begun, query } = await signIn(c);
    const e = await refused(complete(c, query, begun.remember));
    expect(e.reason).toBe('token_invalid');
    expect(e.message).toMatch(/aud/);
  });

  it('an id_token from another issuer (signed by the OP)', async () => {
    const c = build();
    op.tamperNextIdToken(async (claims, sign) => sign({ ...claims, iss: 'http://127.0.0.1:1/evil' }));
    const { begun, query } = await signIn(c);
    const e = await refused(complete(c, query, begun.remember));
    expect(e.reason).toBe('token_invalid');
    expect(e.message).toMatch(/iss/);
  });

  it('an expired id_token', async () => {
    const c = build();
    const past = Math.floor(Date.now() / 1000) - 3600;
    op.tamperNextIdToken(async (claims, sign) => sign({ ...claims, iat: past - 600, exp: past }));
    const { begun, query } = await signIn(c);
    const e = await refused(complete(c, query, begun.remember));
    expect(e.reason).toBe('token_invalid');
  });

  it('bad session tags from a tag claim are refused as STS refuses them', async () => {
    op.accounts.get('bob')!.claims.department = 'bad<value>';
    try {
      const c = build();
      const { begun, query } = await signIn(c, 'bob');
      const e = await refused(complete(c, query, begun.remember));
      expect(e.reason).toBe('token_invalid');
      expect(e.message).toMatch(/session tag value/);
    } finally {
      op.accounts.get('bob')!.claims.department = 'Sales';
    }
  });

  it('the IAM provider is missing: refused before leaving, and at the callback', async () => {
    const c = build(config({ providerArn: arnFor('http://127.0.0.1:1/nothing') }));
    const e = await refused(c.login.beginLogin(rt(), 's'));
    expect(e.reason).toBe('provider_missing');
    expect(e.message).toContain('does not exist');
    // Deleted between start and callback.
    const c2 = build();
    const { begun, query } = await signIn(c2);
    const saved = providers.get(arnFor(op.issuer))!;
    providers.delete(arnFor(op.issuer));
    try {
      expect((await refused(complete(c2, query, begun.remember))).reason).toBe('provider_missing');
    } finally {
      providers.set(saved.arn, saved);
    }
  });

  it('the IAM provider does not list the client id', async () => {
    const saved = providers.get(arnFor(op.issuer))!;
    providers.set(saved.arn, { ...saved, clientIds: ['another-client'] });
    try {
      const e = await refused(build().login.beginLogin(rt(), 's'));
      expect(e.reason).toBe('identity_not_allowed');
      expect(e.message).toContain(`does not list the client id ${op.clientId}`);
    } finally {
      providers.set(saved.arn, saved);
    }
  });

  it('the IAM provider is registered for another URL', async () => {
    const other = 'http://127.0.0.1:1/other';
    providers.set(arnFor(other), { arn: arnFor(other), url: other, clientIds: [op.clientId] });
    const e = await refused(build(config({ providerArn: arnFor(other) })).login.beginLogin(rt(), 's'));
    expect(e.reason).toBe('provider_missing');
    expect(e.message).toContain(`registered for ${other}`);
  });

  it('upstream error=: only the error code, never the description', async () => {
    const c = build();
    const q = new URLSearchParams({ error: 'access_denied', error_description: 'secret <b>html</b> and code=abc', state: 's' });
    const e = await refused(complete(c, q, { nonce: 'n', verifier: 'v' }));
    expect(e.reason).toBe('upstream_error');
    expect(e.message).toBe('The identity provider refused the sign-in (access_denied).');
    const e2 = await refused(complete(c, new URLSearchParams({ error: '<script>', state: 's' }), { nonce: 'n', verifier: 'v' }));
    expect(e2.message).not.toContain('<');
  });

  it('no code, no remembered flow', async () => {
    const c = build();
    expect((await refused(complete(c, new URLSearchParams({ state: 's' }), { nonce: 'n', verifier: 'v' }))).reason).toBe('invalid_request');
    expect((await refused(c.login.completeLogin(rt(), { method: 'GET', query: new URLSearchParams({ code: 'c' }), body: {} }, null))).reason).toBe('state_unknown');
  });

  it('an unreachable issuer is a clear upstream error', async () => {
    const dead = 'http://127.0.0.1:1';
    providers.set(arnFor(dead), { arn: arnFor(dead), url: dead, clientIds: [op.clientId] });
    const e = await refused(build(config({ providerArn: arnFor(dead) }, { issuer: dead })).login.beginLogin(rt(), 's'));
    expect(e.reason).toBe('upstream_error');
    expect(e.status).toBe(502);
  });
});

describe('oidc connector: hostile upstream answers', () => {
  it('a discovery document over the size cap is refused, not buffered', async () => {
    let sent = 0;
    const big = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // Streamed without a content-length: the cap is enforced on the bytes read.
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (sent < 8 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    await new Promise<void>((r) => big.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(big.address() as AddressInfo).port}`;
    providers.set(arnFor(url), { arn: arnFor(url), url, clientIds: [op.clientId] });
    try {
      const e = await refused(build(config({ providerArn: arnFor(url) }, { issuer: url })).login.beginLogin(rt(), 's'));
      expect(e.reason).toBe('upstream_error');
      expect(e.message).toContain('answered too much');
      expect(sent).toBeLessThan(8 * 1024 * 1024);
    } finally {
      big.closeAllConnections();
      await new Promise((r) => big.close(r));
    }
  });
});

describe('oidc connector: a silent upstream', () => {
  it('an issuer that accepts the connection and never answers is given up after 10 s', async () => {
    const silent = http.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    providers.set(arnFor(url), { arn: arnFor(url), url, clientIds: [op.clientId] });
    const t0 = Date.now();
    try {
      const e = await refused(build(config({ providerArn: arnFor(url) }, { issuer: url })).login.beginLogin(rt(), 's'));
      expect(e.reason).toBe('upstream_error');
      expect(e.status).toBe(502);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(9_500);
      expect(Date.now() - t0).toBeLessThan(13_000);
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  }, 20_000);
});

describe('oidc connector: settings', () => {
  const bad = (settings: Record<string, unknown>, secrets: Record<string, string> = {}) => () => oidcConnector.validate(config({}, settings, secrets));
  it('refuses bad settings with a clear message', () => {
    expect(bad({ issuer: 'ftp://x' })).toThrow(/settings.issuer/);
    expect(bad({ issuer: 'https://x.example?q=1' })).toThrow(/settings.issuer/);
    expect(bad({ clientId: undefined })).toThrow(/settings.clientId is required/);
    expect(bad({ scopes: 'openid' })).toThrow(/settings.scopes/);
    expect(bad({ tagClaims: { department: 'aws:bad' } })).toThrow(/tagClaims/);
    expect(bad({ colour: 'blue' })).toThrow(/settings.colour is not a setting/);
    expect(bad({}, { spPrivateKey: 'x' })).toThrow(/secrets.spPrivateKey/);
    expect(() => oidcConnector.validate(config({ providerArn: 'arn:aws:iam::123456789012:saml-provider/X' }))).toThrow(/OIDC provider/);
  });
  it('http issuers only when insecure issuers are allowed', () => {
    expect(() => oidcConnector.create(config(), { ...deps(), allowInsecure: false })).toThrow(/https/);
  });
});
