import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, randomBytes } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { CreateOpenIDConnectProviderCommand, CreateSAMLProviderCommand } from '@aws-sdk/client-iam';
import { iamClient } from '../support/clients.js';
import { Sha256 } from '../support/sha256.js';
import type { TestTessera } from '../support/tessera.js';
import type { ConnectorFactory, ConnectorIdentity, SignInConnector } from '../../src/federation/connector.js';
import { SignInConfigError, SignInError } from '../../src/federation/sign-in-errors.js';
import { idpMetadata, makeCert } from '../iam/providers/saml-fixture.js';

/**
 * A small upstream for the router's tests (the protocol connectors have their own e2e tests):
 * a local HTTP "IdP" and two ConnectorFactory types driving it, one per callback style.
 *
 * - type 'oidc' ("redirect"): GET /authorize?state&redirect_uri&nonce&login=<sub>[&mfa=1] answers
 *   302 → redirect_uri?code&state; the connector redeems the code at POST /token (server side)
 *   and checks the nonce it remembered. State in the query.
 * - type 'saml' ("post-callback"): GET /sso?RelayState&acs&login=<sub> answers an HTML form that
 *   posts SAMLResponse (an HMAC-signed assertion of the subject) + RelayState to the ACS;
 *   GET /idp-initiated?acs&login=<sub> the same without RelayState. State in the body;
 *   'idp-initiated' only when the connector allows it.
 */
export interface Upstream {
  url: string;
  /** Codes redeemed so far (a code is good once). */
  redeemed: Set<string>;
  /** Who signs in when the request names nobody (`login`), and whether the IdP asserts MFA (browser tests set these). */
  person: { login: string; mfa: boolean };
  close(): Promise<void>;
}

const KEY = randomBytes(32);
const sign = (s: string) => createHmac('sha256', KEY).update(s).digest('base64url');

export async function startUpstream(): Promise<Upstream> {
  const codes = new Map<string, { sub: string; nonce: string; mfa: boolean }>();
  const redeemed = new Set<string>();
  const person = { login: 'person-1', mfa: false };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const login = u.searchParams.get('login') ?? person.login;
    if (u.pathname === '/authorize') {
      const code = randomBytes(12).toString('base64url');
      codes.set(code, { sub: login, nonce: u.searchParams.get('nonce') ?? '', mfa: u.searchParams.get('mfa') === '1' || (!u.searchParams.has('login') && person.mfa) });
      const to = new URL(u.searchParams.get('redirect_uri')!);
      to.searchParams.set('code', code);
      if (u.searchParams.has('state')) to.searchParams.set('state', u.searchParams.get('state')!);
      res.writeHead(302, { location: to.toString() }).end();
      return;
    }
    if (u.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const code = new URLSearchParams(body).get('code') ?? '';
        const c = codes.get(code);
        if (!c || redeemed.has(code)) return void res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_grant"}');
        redeemed.add(code);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(c));
      });
      return;
    }
    if (u.pathname === '/sso' || u.pathname === '/idp-initiated') {
      const assertion = Buffer.from(JSON.stringify({ sub: login, iat: Date.now(), id: randomBytes(8).toString('hex') })).toString('base64url');
      const resp = `${assertion}.${sign(assertion)}`;
      const relay = u.pathname === '/sso' ? `<input type="hidden" name="RelayState" value="${u.searchParams.get('RelayState')}">` : '';
      res.writeHead(200, { 'content-type': 'text/html' }).end(
        `<!doctype html><html><body><form method="post" action="${u.searchParams.get('acs')}"><input type="hidden" name="SAMLResponse" value="${resp}">${relay}<button id="go">Continue</button></form></body></html>`,
      );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    redeemed,
    person,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

function identity(providerArn: string, kind: 'oidc' | 'saml', sub: string, audience: string, mfa: boolean, now: Date): ConnectorIdentity {
  const keyPrefix = kind === 'saml' ? 'saml' : 'idp.test.example';
  return {
    federated: {
      kind,
      providerArn,
      keyPrefix,
      issuer: kind === 'saml' ? 'https://saml.test.example' : 'https://idp.test.example',
      subject: sub,
      // A SAML login named `transient-…` stands for a transient NameID (a new subject each sign-in).
      ...(kind === 'saml' && sub.startsWith('transient-') ? { subjectType: 'transient' } : {}),
      audience,
      conditionKeys: { [`${keyPrefix}:sub`]: sub, [`${keyPrefix}:aud`]: audience },
      persistentKeys: { [`${keyPrefix}:sub`]: sub },
      session: {},
      tokenExpiresAt: new Date(now.getTime() + 300_000),
    },
    groups: ['engineering', 'on-call'],
    displayName: `Person ${sub}`,
    email: `${sub}@test.example`,
    ...(mfa ? { upstreamMfa: { authTime: now } } : {}),
  };
}

export const testFactories: ConnectorFactory[] = [
  {
    type: 'oidc',
    secretNames: ['clientSecret'],
    validate(cfg) {
      if (typeof cfg.settings.upstream !== 'string') throw new SignInConfigError('settings.upstream is required');
    },
    create(cfg, deps): SignInConnector {
      const up = String(cfg.settings.upstream);
      return {
        id: cfg.id,
        type: cfg.type,
        displayName: cfg.displayName,
        capabilities: ['redirect', 'groups'],
        requireMfa: cfg.requireMfa,
        login: {
          stateParam: { in: 'query', name: 'state' },
          async beginLogin(rt, state) {
            const nonce = randomBytes(12).toString('base64url');
            const u = new URL('/authorize', up);
            u.searchParams.set('redirect_uri', rt.callbackUrl);
            u.searchParams.set('state', state);
            u.searchParams.set('nonce', nonce);
            return { redirectUrl: u.toString(), remember: { nonce } };
          },
          async completeLogin(rt, cb, remembered) {
            const code = cb.query.get('code');
            if (!code) throw new SignInError('upstream_error', 'The identity provider sent no code.');
            const r = await (deps.fetch ?? fetch)(new URL('/token', up), { method: 'POST', body: new URLSearchParams({ code }) });
            if (!r.ok) throw new SignInError('token_invalid', 'The identity provider refused the code.');
            const c = (await r.json()) as { sub: string; nonce: string; mfa: boolean };
            if (!remembered || c.nonce !== remembered.nonce) throw new SignInError('token_invalid', 'The token does not answer this sign-in (nonce).');
            return identity(cfg.providerArn, 'oidc', c.sub, 'tessera', c.mfa, rt.now);
          },
        },
      };
    },
  },
  {
    type: 'saml',
    secretNames: [],
    validate(cfg) {
      if (typeof cfg.settings.upstream !== 'string') throw new SignInConfigError('settings.upstream is required');
    },
    create(cfg): SignInConnector {
      const up = String(cfg.settings.upstream);
      return {
        id: cfg.id,
        type: cfg.type,
        displayName: cfg.displayName,
        capabilities: ['redirect', 'post-callback', ...(cfg.allowIdpInitiated ? (['idp-initiated'] as const) : [])],
        requireMfa: cfg.requireMfa,
        login: {
          stateParam: { in: 'body', name: 'RelayState' },
          async beginLogin(rt, state) {
            const u = new URL('/sso', up);
            u.searchParams.set('RelayState', state);
            u.searchParams.set('acs', rt.callbackUrl);
            return { redirectUrl: u.toString(), remember: { requestId: `_${randomBytes(8).toString('hex')}` } };
          },
          async completeLogin(rt, cb, remembered) {
            const [a, sig] = String(cb.body.SAMLResponse ?? '').split('.');
            if (!a || !sig || sign(a) !== sig) throw new SignInError('assertion_invalid', 'The SAML response is not signed by the identity provider.');
            if (remembered === null && !cfg.allowIdpInitiated) throw new SignInError('unsolicited_response', 'unsolicited');
            const { sub } = JSON.parse(Buffer.from(a, 'base64url').toString('utf8')) as { sub: string };
            return identity(cfg.providerArn, 'saml', sub, rt.callbackUrl, false, rt.now);
          },
        },
        spMetadata: (rt) => `<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${rt.callbackUrl}"/>`,
      };
    },
  },
];

type Creds = { accessKeyId: string; secretAccessKey: string };

/** A signed IAM Query call (for Tessera's extension actions, which the SDK does not know). */
export async function iamQuery(url: string, creds: Creds, action: string, params: Record<string, string | boolean | undefined> = {}): Promise<{ status: number; text: string }> {
  const signer = new SignatureV4({ credentials: creds, region: 'us-east-1', service: 'iam', sha256: Sha256 as never });
  const u = new URL(url);
  const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
  const body = new URLSearchParams({ Action: action, Version: '2010-05-08', ...clean }).toString();
  const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/', headers: { host: u.host, 'content-type': 'application/x-www-form-urlencoded' }, body });
  const r = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
  return { status: r.status, text: await r.text() };
}

/** IAM providers for the two test types, and connectors created with the admin action. */
export async function setUpConnectors(
  t: TestTessera,
  up: Upstream,
  list: { id: string; type: 'oidc' | 'saml'; requireMfa?: boolean; allowIdpInitiated?: boolean }[],
): Promise<{ oidcArn: string; samlArn: string }> {
  const iam = iamClient(t, t.root);
  const oidcArn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://idp.test.example', ClientIDList: ['tessera'], ThumbprintList: ['a'.repeat(40)] }))).OpenIDConnectProviderArn!;
  const samlArn = (
    await iam.send(new CreateSAMLProviderCommand({ Name: 'TestSaml', SAMLMetadataDocument: idpMetadata({ entityId: 'https://saml.test.example', cert: await makeCert() }) }))
  ).SAMLProviderArn!;
  for (const c of list) {
    const r = await iamQuery(t.url, t.root, 'CreateSignInConnector', {
      Id: c.id,
      Type: c.type,
      DisplayName: `Test ${c.type.toUpperCase()} ${c.id}`,
      ProviderArn: c.type === 'oidc' ? oidcArn : samlArn,
      RequireMfa: c.requireMfa ?? false,
      AllowIdpInitiated: c.allowIdpInitiated,
      Settings: JSON.stringify({ upstream: up.url }),
      ...(c.type === 'oidc' ? { Secrets: JSON.stringify({ clientSecret: 'unused' }) } : {}),
    });
    if (r.status !== 200) throw new Error(`CreateSignInConnector ${c.id}: ${r.text}`);
  }
  return { oidcArn, samlArn };
}

/**
 * The `corp` OIDC connector over a test OP (test/fixtures/oidc-op.ts), made as an administrator
 * makes it: CreateOpenIDConnectProvider, then CreateSignInConnector (SigV4). The provider's ARN.
 */
export async function createCorpOidcConnector(t: TestTessera, op: { issuer: string; clientId: string; clientSecret: string }, settings: Record<string, unknown> = {}): Promise<string> {
  const { CreateOpenIDConnectProviderCommand } = await import('@aws-sdk/client-iam');
  const { iamClient } = await import('../support/clients.js');
  const providerArn = (await iamClient(t, t.root).send(new CreateOpenIDConnectProviderCommand({ Url: op.issuer, ClientIDList: [op.clientId], ThumbprintList: ['a'.repeat(40)] }))).OpenIDConnectProviderArn!;
  const r = await iamQuery(t.url, t.root, 'CreateSignInConnector', {
    Id: 'corp',
    Type: 'oidc',
    DisplayName: 'Corp SSO',
    ProviderArn: providerArn,
    Settings: JSON.stringify({ issuer: op.issuer, clientId: op.clientId, scopes: ['openid', 'email', 'profile', 'groups'], ...settings }),
    Secrets: JSON.stringify({ clientSecret: op.clientSecret }),
  });
  if (r.status !== 200) throw new Error(`CreateSignInConnector: ${r.status} ${r.text}`);
  return providerArn;
}
