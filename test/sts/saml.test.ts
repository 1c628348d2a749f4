import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { AssumeRoleWithSAMLCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateRoleCommand, CreateSAMLProviderCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { idpMetadata, makeIdpKeys, samlResponse, type AssertionOptions, type IdpKeys } from '../fixtures/saml-idp.js';
import { ADVERSARIAL } from '../fixtures/saml-adversarial.js';
import { iamClient, stsClient } from '../support/clients.js';

let t: TestTessera;
let keys: IdpKeys;
let attacker: IdpKeys;
let providerArn: string;
let acs: string;
let audience: string;
const ENTITY = 'https://idp.example.test/metadata';
const roleArn = (n: string) => `arn:aws:iam::${t.accountId}:role/${n}`;
const sts = () => stsClient(t, { accessKeyId: 'x', secretAccessKey: 'x' });
const opts = (o: Partial<AssertionOptions> = {}): AssertionOptions => ({
  idpEntityId: ENTITY,
  audience,
  acsUrl: acs,
  roles: [`${roleArn('Saml')},${providerArn}`, `${providerArn},${roleArn('Tagged')}`],
  sessionName: 'alice@example.test',
  ...o,
});
const assume = (b64: string, role = 'Saml', extra: Record<string, unknown> = {}) =>
  sts().send(new AssumeRoleWithSAMLCommand({ RoleArn: roleArn(role), PrincipalArn: providerArn, SAMLAssertion: b64, ...extra }));
const fail = (p: Promise<unknown>) => p.then(() => { throw new Error('expected failure'); }, (e) => e as { name: string; Code?: string; message: string; $metadata: { httpStatusCode?: number } });

beforeAll(async () => {
  t = await startTestTessera();
  [keys, attacker] = await Promise.all([makeIdpKeys(), makeIdpKeys('attacker')]);
  acs = t.services.config.saml.acsUrl;
  audience = t.services.config.saml.spEntityId;
  const iam = iamClient(t, t.root);
  providerArn = (await iam.send(new CreateSAMLProviderCommand({ Name: 'Corp', SAMLMetadataDocument: idpMetadata(ENTITY, keys) }))).SAMLProviderArn!;
  const trust = (actions: string[], condition?: object) =>
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: providerArn }, Action: actions, Condition: condition ?? { StringEquals: { 'saml:aud': acs } } }] });
  await iam.send(new CreateRoleCommand({ RoleName: 'Saml', AssumeRolePolicyDocument: trust(['sts:AssumeRoleWithSAML', 'sts:SetSourceIdentity']) }));
  await iam.send(new CreateRoleCommand({ RoleName: 'Tagged', AssumeRolePolicyDocument: trust(['sts:AssumeRoleWithSAML', 'sts:TagSession']) }));
  await iam.send(new CreateRoleCommand({ RoleName: 'Engineers', AssumeRolePolicyDocument: trust(['sts:AssumeRoleWithSAML'], { 'ForAnyValue:StringEquals': { 'saml:edupersonaffiliation': 'staff' }, StringEquals: { 'saml:sub_type': 'persistent' } }) }));
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

describe('AssumeRoleWithSAML with the signed IdP fixture', () => {
  it.each([
    ['Response and Assertion signed', {}],
    ['only the Assertion signed', { signResponse: false }],
    ['only the Response signed', { signAssertion: false }],
  ])('accepts %s', async (_n, signing) => {
    const out = await assume(samlResponse(keys, opts({ ...signing, sourceIdentity: 'alice' })).b64);
    expect(out).toMatchObject({
      Subject: 'alice',
      SubjectType: 'persistent',
      Issuer: ENTITY,
      Audience: acs,
      SourceIdentity: 'alice',
      NameQualifier: createHash('sha1').update(`${ENTITY}${t.accountId}/Corp`).digest('base64'),
      AssumedRoleUser: { Arn: `arn:aws:sts::${t.accountId}:assumed-role/Saml/alice@example.test` },
    });
    const c = out.Credentials!;
    const me = await new STSClient({ endpoint: t.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } }).send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(`arn:aws:sts::${t.accountId}:assumed-role/Saml/alice@example.test`);
  });

  it('PrincipalTag attributes become session tags when the trust policy allows sts:TagSession', async () => {
    const out = await assume(samlResponse(keys, opts({ tags: { dept: 'eng' }, transitiveTagKeys: ['dept'] })).b64, 'Tagged');
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    const e = await fail(assume(samlResponse(keys, opts({ tags: { dept: 'eng' } })).b64, 'Saml'));
    expect(e.name).toBe('AccessDenied');
  });

  it('attribute condition keys (saml:edupersonaffiliation, saml:sub_type) drive the trust policy', async () => {
    const roles = [`${roleArn('Engineers')},${providerArn}`];
    const staff = { 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1': ['member', 'staff'] };
    await assume(samlResponse(keys, opts({ roles, extraAttributes: staff })).b64, 'Engineers');
    const e = await fail(assume(samlResponse(keys, opts({ roles, extraAttributes: { 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1': ['student'] } })).b64, 'Engineers'));
    expect(e.name).toBe('AccessDenied');
    expect(e.message).toBe('Not authorized to perform sts:AssumeRoleWithSAML');
  });

  it('SessionNotOnOrAfter caps the credentials', async () => {
    const end = new Date(Date.now() + 1200_000);
    const out = await assume(samlResponse(keys, opts({ sessionNotOnOrAfter: end })).b64);
    expect(Math.abs(out.Credentials!.Expiration!.getTime() - end.getTime())).toBeLessThan(2000);
  });

  it('an assertion is accepted once', async () => {
    const { b64 } = samlResponse(keys, opts());
    await assume(b64);
    const e = await fail(assume(b64));
    expect(e.name).toBe('InvalidIdentityTokenException');
    expect(e.message).toMatch(/already been used/);
  });

  it('a replay through another replica is refused too', async () => {
    const r2 = await t.replica();
    const { b64 } = samlResponse(keys, opts());
    await assume(b64);
    const e = await fail(stsClient(r2, { accessKeyId: 'x', secretAccessKey: 'x' }).send(new AssumeRoleWithSAMLCommand({ RoleArn: roleArn('Saml'), PrincipalArn: providerArn, SAMLAssertion: b64 })));
    expect(e.name).toBe('InvalidIdentityTokenException');
  });

  it('an unknown provider is InvalidIdentityToken', async () => {
    const e = await fail(sts().send(new AssumeRoleWithSAMLCommand({ RoleArn: roleArn('Saml'), PrincipalArn: `arn:aws:iam::${t.accountId}:saml-provider/Nope`, SAMLAssertion: samlResponse(keys, opts()).b64 })));
    expect(e.name).toBe('InvalidIdentityTokenException');
    expect(e.message).toBe("Specified provider doesn't exist");
  });

  const SDK_NAME: Record<string, string> = { InvalidIdentityToken: 'InvalidIdentityTokenException', IDPRejectedClaim: 'IDPRejectedClaimException', ExpiredTokenException: 'ExpiredTokenException', ValidationError: 'ValidationError' };
  it.each(ADVERSARIAL.map((c) => [c.name, c] as const))('rejects: %s', async (_n, c) => {
    const e = await fail(assume(c.b64(keys, opts(), attacker)));
    if (process.env.SHOW_SAML) console.log(`CASE ${c.name} => ${e.name}: ${e.message}`);
    expect(e.name).toBe(SDK_NAME[c.code]);
    if (c.message) expect(e.message).toMatch(c.message);
    expect(e.$metadata.httpStatusCode).toBe(c.code === 'IDPRejectedClaim' ? 403 : 400);
  });

  it('audits the refusal with provider and role, never the assertion', async () => {
    const { b64 } = samlResponse(keys, opts({ audience: 'https://else.example' }));
    await fail(assume(b64));
    await t.services.audit.flush();
    const r = await t.database.db.query(`SELECT detail::text AS d FROM audit_events WHERE action = 'AssumeRoleWithSAML' AND outcome = 'failure'`);
    expect(r.rows.length).toBeGreaterThan(0);
    expect(r.rows.some((x: any) => x.d.includes(providerArn) && x.d.includes(roleArn('Saml')))).toBe(true);
    for (const row of r.rows) expect(row.d).not.toContain(b64.slice(0, 60));
  });
});
