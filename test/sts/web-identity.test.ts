import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { claimsFor, startTestOidcIdp, type TestOidcIdp } from '../fixtures/oidc-idp.js';
import { iamClient, stsClient } from '../support/clients.js';

let t: TestTessera;
let idp: TestOidcIdp;
let other: TestOidcIdp;
let providerArn: string;
let prefix: string;
const sts = () => stsClient(t, { accessKeyId: 'x', secretAccessKey: 'x' });
const roleArn = (name: string) => `arn:aws:iam::${t.accountId}:role/${name}`;
const now = () => Math.floor(Date.now() / 1000);

async function role(name: string, condition: Record<string, unknown> | undefined, actions: string[] = ['sts:AssumeRoleWithWebIdentity'], maxSessionDuration?: number) {
  const iam = iamClient(t, t.root);
  await iam.send(
    new CreateRoleCommand({
      RoleName: name,
      MaxSessionDuration: maxSessionDuration,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Federated: providerArn }, Action: actions, ...(condition ? { Condition: condition } : {}) }],
      }),
    }),
  );
}

const assume = (token: string, name = 'Workload', extra: Record<string, unknown> = {}) =>
  sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn(name), RoleSessionName: 'run-1', WebIdentityToken: token, ...extra }));
const fail = (p: Promise<unknown>) => p.then(() => { throw new Error('expected failure'); }, (e) => e as { name: string; message: string; $metadata: { httpStatusCode?: number } });

beforeAll(async () => {
  t = await startTestTessera();
  idp = await startTestOidcIdp({ path: '/realms/ci' });
  other = await startTestOidcIdp();
  const iam = iamClient(t, t.root);
  const out = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: [idp.audience, 'second-client'] }));
  providerArn = out.OpenIDConnectProviderArn!;
  prefix = idp.issuer.replace('http://', '');
  await role('Workload', { StringEquals: { [`${prefix}:aud`]: idp.audience, [`${prefix}:sub`]: ['workload', 'system:serviceaccount:apps:worker'] } });
  await role('Tagged', { StringEquals: { [`${prefix}:sub`]: 'workload' } }, ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']);
  await role('OtherSub', { StringEquals: { [`${prefix}:sub`]: 'someone-else' } });
  await role('Short', undefined, ['sts:AssumeRoleWithWebIdentity'], 3600);
}, 60_000);

afterAll(async () => {
  await idp?.close();
  await other?.close();
  await t?.stop();
});

describe('AssumeRoleWithWebIdentity with tokens from a real oidc-provider', () => {
  it('issues credentials whose identity is the assumed role', async () => {
    expect(providerArn).toBe(`arn:aws:iam::${t.accountId}:oidc-provider/${prefix}`);
    const out = await assume(await idp.token());
    expect(out).toMatchObject({
      SubjectFromWebIdentityToken: 'workload',
      Provider: idp.issuer,
      Audience: idp.audience,
      AssumedRoleUser: { Arn: `arn:aws:sts::${t.accountId}:assumed-role/Workload/run-1` },
    });
    expect(out.AssumedRoleUser!.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:run-1$/);
    expect(out.Credentials!.AccessKeyId).toMatch(/^ASIA/);
    expect(out.Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(3500_000);
    const me = await new STSClient({
      endpoint: t.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! },
    }).send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Arn: `arn:aws:sts::${t.accountId}:assumed-role/Workload/run-1`, Account: t.accountId, UserId: out.AssumedRoleUser!.AssumedRoleId });
  });

  it('accepts ES256 tokens and a second registered client id', async () => {
    const token = await idp.mint(claimsFor(idp, { aud: ['unrelated', 'second-client'] }), {}, 'es');
    const out = await assume(token, 'Short');
    expect(out.Audience).toBe('second-client');
    expect(out.SubjectFromWebIdentityToken).toBe('system:serviceaccount:apps:worker');
  });

  it('turns the https://aws.amazon.com/tags claim into session tags (needs sts:TagSession)', async () => {
    const tags = { 'https://aws.amazon.com/tags': { principal_tags: { team: ['payments'] }, transitive_tag_keys: ['team'] } };
    const out = await assume(await idp.token(tags), 'Tagged');
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    const denied = await fail(assume(await idp.token(tags), 'Workload'));
    expect(denied.name).toBe('AccessDenied');
    expect(denied.message).toBe('Not authorized to perform sts:TagSession');
  });

  it('a trust policy condition that does not match is AccessDenied', async () => {
    const e = await fail(assume(await idp.token(), 'OtherSub'));
    expect(e.name).toBe('AccessDenied');
    expect(e.message).toBe('Not authorized to perform sts:AssumeRoleWithWebIdentity');
    expect(e.$metadata.httpStatusCode).toBe(403);
    const missing = await fail(assume(await idp.token(), 'NoSuchRole'));
    expect(missing.name).toBe('AccessDenied');
  });

  it('tokens 5 minutes past exp are accepted, later ones are ExpiredTokenException', async () => {
    await assume(await idp.mint(claimsFor(idp, { iat: now() - 900, exp: now() - 200 })));
    const exp = now() - 400;
    const e = await fail(assume(await idp.mint(claimsFor(idp, { iat: now() - 900, exp }))));
    expect(e.name).toBe('ExpiredTokenException');
    expect(e.message).toMatch(new RegExp(`^Token expired: current date/time \\d+ must be before the expiration date/time ${exp}$`));
  });

  it('DurationSeconds above the role MaxSessionDuration is a ValidationError', async () => {
    const e = await fail(assume(await idp.token(), 'Short', { DurationSeconds: 7200 }));
    expect(e.name).toBe('ValidationError');
    expect(e.message).toBe('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  });

  it.each([
    ['wrong audience', async () => idp.mint(claimsFor(idp, { aud: 'someone-else' })), /^Incorrect token audience$/],
    ['HS256', async () => forge({ alg: 'HS256', kid: 'rs-1' }, claimsFor(idp)), /algorithm/],
    ['alg none', async () => forge({ alg: 'none' }, claimsFor(idp)), /algorithm/],
    ['PS256', async () => forge({ alg: 'PS256', kid: 'rs-1' }, claimsFor(idp)), /algorithm/],
    ['tampered payload', async () => tamper(await idp.token()), /signature/i],
    ['unknown kid', async () => idp.mint(claimsFor(idp), { kid: 'rotated-away' }), /verification key/],
    ['float exp', async () => idp.mint(claimsFor(idp, { exp: now() + 600.5 })), /integer/],
    ['string exp', async () => idp.mint(claimsFor(idp, { exp: String(now() + 600) })), /integer/],
    ['no exp', async () => idp.mint(claimsFor(idp, { exp: undefined })), /exp/],
    ['nbf in the future', async () => idp.mint(claimsFor(idp, { nbf: now() + 3600 })), /not yet valid/],
    ['iat in the future', async () => idp.mint(claimsFor(idp, { iat: now() + 3600, exp: now() + 7200 })), /future/],
    ['unregistered issuer', async () => other.mint(claimsFor(other)), /^No OpenIDConnect provider found in your account for http:\/\/127\.0\.0\.1:\d+$/],
    ['not a JWT', async () => 'not-a-jwt-at-all', /not a valid JWT/],
  ])('%s → InvalidIdentityToken', async (_n, token, message) => {
    const e = await fail(assume(await token()));
    expect(e.name).toBe('InvalidIdentityTokenException');
    expect(e.message).toMatch(message);
    expect(e.$metadata.httpStatusCode).toBe(400);
  });

  it('an unknown kid refetches the JWKS at most once per interval', async () => {
    const before = idp.fetches().jwks;
    for (let i = 0; i < 5; i++) await fail(assume(await idp.mint(claimsFor(idp), { kid: `nope-${i}` })));
    expect(idp.fetches().jwks - before).toBeLessThanOrEqual(1);
  });

  it('an unreachable issuer is IDPCommunicationError (retried by SDKs)', async () => {
    const gone = await startTestOidcIdp();
    const iam = iamClient(t, t.root);
    const { OpenIDConnectProviderArn } = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: gone.issuer, ClientIDList: [gone.audience] }));
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'Gone',
        AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: OpenIDConnectProviderArn }, Action: 'sts:AssumeRoleWithWebIdentity' }] }),
      }),
    );
    const token = await gone.mint(claimsFor(gone));
    await gone.close();
    const e = await fail(assume(token, 'Gone'));
    expect(e.name).toBe('IDPCommunicationErrorException');
    expect(e.$metadata.httpStatusCode).toBe(400);
  });

  it('ProviderId (OAuth 2.0 providers) is refused', async () => {
    const e = await fail(assume(await idp.token(), 'Workload', { ProviderId: 'graph.facebook.com' }));
    expect(e.name).toBe('InvalidParameterValue');
  });

  it('audits issuance and refusal with provider, subject and role, never the token', async () => {
    const token = await idp.token();
    const ok = await assume(token);
    const bad = await fail(assume(await idp.token(), 'OtherSub'));
    expect(bad.name).toBe('AccessDenied');
    await t.services.audit.flush();
    const r = await t.database.db.query(`SELECT outcome, error_code, detail::text AS d FROM audit_events WHERE action = 'AssumeRoleWithWebIdentity' ORDER BY event_time`);
    const okRow = r.rows.find((x: any) => x.d.includes(ok.Credentials!.AccessKeyId!));
    expect(okRow).toBeDefined();
    expect(JSON.parse(okRow!.d)).toMatchObject({ provider: providerArn, subject: 'workload', roleArn: roleArn('Workload'), roleSessionName: 'run-1' });
    expect(r.rows.some((x: any) => x.outcome === 'failure' && x.error_code === 'AccessDenied' && x.d.includes('OtherSub'))).toBe(true);
    for (const row of r.rows) {
      expect(row.d).not.toContain(token.split('.')[2]);
      expect(row.d).not.toContain(ok.Credentials!.SecretAccessKey!);
    }
  });
});

function forge(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc(header)}.${enc(claims)}.${Buffer.from('signature').toString('base64url')}`;
}

function tamper(token: string): string {
  const [h, p, s] = token.split('.');
  const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
  claims.sub = 'admin';
  return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
}
