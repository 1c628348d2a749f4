import { systemRandom } from '../../src/tokens/random.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import type { IncomingMessage } from 'node:http';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { startTestOidcIdp, type TestOidcIdp } from '../fixtures/oidc-idp.js';
import { iamClient } from '../support/clients.js';
import { requestInfo } from '../../src/http/request-context.js';
import type { Config } from '../../src/config/index.js';

/**
 * One request context for every adapter: behind a trusted proxy (TESSERA_TRUST_PROXY_HOPS=1),
 * X-Forwarded-Proto: https makes aws:SecureTransport true on the Query endpoint and on
 * /oauth2/token alike (a role whose trust policy requires it can be assumed through both), and
 * false on both without it.
 */
let t: TestTessera;
let idp: TestOidcIdp;
const roleArn = () => `arn:aws:iam::${t.accountId}:role/TlsOnly`;

beforeAll(async () => {
  t = await startTestTessera({ env: { TESSERA_TRUST_PROXY_HOPS: '1' } });
  idp = await startTestOidcIdp();
  const iam = iamClient(t, t.root);
  const { OpenIDConnectProviderArn } = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: [idp.audience] }));
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'TlsOnly',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Federated: OpenIDConnectProviderArn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }],
      }),
    }),
  );
}, 60_000);

afterAll(async () => {
  await idp?.close();
  await t?.stop();
});

const viaQuery = async (headers: Record<string, string>) => {
  const body = new URLSearchParams({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: roleArn(), RoleSessionName: 'tls', WebIdentityToken: await idp.token() });
  const res = await fetch(`${t.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: body.toString() });
  return { status: res.status, text: await res.text() };
};

const viaOAuth = async (headers: Record<string, string>) => {
  const body = new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    subject_token: await idp.token(),
    subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    resource: roleArn(),
  });
  const res = await fetch(`${t.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: body.toString() });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('request context (src/http/request-context.ts)', () => {
  it('behind a trusted proxy, X-Forwarded-Proto: https is secure transport on the Query endpoint and /oauth2/token alike', async () => {
    const q = await viaQuery({ 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' });
    expect(q.status).toBe(200);
    expect(q.text).toContain('<AssumedRoleUser>');
    const o = await viaOAuth({ 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' });
    expect(o.status).toBe(200);
    expect(o.body.assumed_role_arn).toBe(`arn:aws:sts::${t.accountId}:assumed-role/TlsOnly/workload`);
  });

  it('without it (plain HTTP through the proxy) both refuse the role whose trust policy requires TLS', async () => {
    const q = await viaQuery({ 'x-forwarded-proto': 'http' });
    expect(q.status).toBe(403);
    expect(q.text).toContain('<Code>AccessDenied</Code>');
    const o = await viaOAuth({ 'x-forwarded-proto': 'http' });
    expect(o.status).toBe(400);
    expect(o.body.error).toBe('unauthorized_client');
  });

  it('trusts X-Forwarded-* only with trust-proxy hops configured', () => {
    const req = { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7', 'user-agent': 'u'.repeat(2000) }, socket: { remoteAddress: '::ffff:10.0.0.1' } } as unknown as IncomingMessage;
    const at = new Date('2026-01-01T00:00:00Z');
    const direct = requestInfo(req, { config: { trustProxyHops: 0 } as Config, now: () => at, random: systemRandom() });
    expect(direct).toMatchObject({ now: at, sourceIp: '10.0.0.1', secureTransport: false, region: 'us-east-1' });
    expect(direct.userAgent).toHaveLength(1024);
    expect(direct.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const proxied = requestInfo(req, { config: { trustProxyHops: 1 } as Config, now: () => at, random: systemRandom() });
    expect(proxied).toMatchObject({ sourceIp: '203.0.113.7', secureTransport: true });
  });
});
