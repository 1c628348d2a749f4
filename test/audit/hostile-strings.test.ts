import net from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { AssumeRoleCommand, AssumeRoleWithSAMLCommand, AssumeRoleWithWebIdentityCommand, GetFederationTokenCommand } from '@aws-sdk/client-sts';
import {
  CreateAccessKeyCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateSAMLProviderCommand,
  CreateUserCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  TagRoleCommand,
  UpdateRoleDescriptionCommand,
} from '@aws-sdk/client-iam';
import { useTessera, type TestTessera } from '../support/tessera.js';
import { claimsFor, startTestOidcIdp, type TestOidcIdp } from '../fixtures/oidc-idp.js';
import { idpMetadata, makeIdpKeys, samlResponse, type IdpKeys } from '../fixtures/saml-idp.js';
import { iamClient, stsClient } from '../support/clients.js';
import { AuditLog, escapeUnstorable, insertAuditEvents } from '../../src/audit/log.js';

/**
 * Strings from outside that Postgres cannot store (U+0000; unpaired surrogates in jsonb) or XML
 * cannot carry never turn into a 5xx: each request gets AWS's 4xx or succeeds, and its audit row
 * exists (escaped, see src/audit/log.ts).
 */
let t: TestTessera;
let idp: TestOidcIdp;
let saml: IdpKeys;
let samlProviderArn: string;
const ENTITY = 'https://idp.example.test/metadata';

useTessera(async (started) => {
  t = started;
  idp = await startTestOidcIdp();
  saml = await makeIdpKeys();
  const iam = iamClient(t, t.root);
  const { OpenIDConnectProviderArn } = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: [idp.audience] }));
  samlProviderArn = (await iam.send(new CreateSAMLProviderCommand({ Name: 'Corp', SAMLMetadataDocument: idpMetadata(ENTITY, saml) }))).SAMLProviderArn!;
  const trust = (principal: object, actions: string[]) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: actions }] });
  await iam.send(new CreateRoleCommand({ RoleName: 'Web', AssumeRolePolicyDocument: trust({ Federated: OpenIDConnectProviderArn }, ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:SetSourceIdentity']) }));
  await iam.send(new CreateRoleCommand({ RoleName: 'Saml', AssumeRolePolicyDocument: trust({ Federated: samlProviderArn }, ['sts:AssumeRoleWithSAML', 'sts:TagSession', 'sts:SetSourceIdentity']) }));
  await iam.send(new CreateRoleCommand({ RoleName: 'Plain', AssumeRolePolicyDocument: trust({ AWS: `arn:aws:iam::${t.accountId}:root` }, ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity']) }));
});

interface Outcome {
  status: number;
  code: string;
  requestId: string;
}
const run = (p: Promise<{ $metadata: { httpStatusCode?: number; requestId?: string } }>): Promise<Outcome> =>
  p.then(
    (o) => ({ status: o.$metadata.httpStatusCode ?? 0, code: 'ok', requestId: o.$metadata.requestId ?? '' }),
    (e: { name: string; $metadata?: { httpStatusCode?: number; requestId?: string } }) => ({ status: e.$metadata?.httpStatusCode ?? 0, code: e.name, requestId: e.$metadata?.requestId ?? '' }),
  );

async function auditRow(requestId: string) {
  await t.services.audit.flush();
  const r = await t.database.db.query(`SELECT outcome, error_code, user_agent, detail FROM audit_events WHERE request_id = $1`, [requestId]);
  return r.rows[0] as { outcome: string; error_code: string | null; user_agent: string | null; detail: Record<string, unknown> } | undefined;
}

async function expectHandled(o: Outcome, code: string) {
  expect(o.requestId).not.toBe('');
  expect(`${o.status} ${o.code}`).toBe(`${code === 'ok' ? 200 : code === 'AccessDenied' ? 403 : 400} ${code}`);
  const row = await auditRow(o.requestId);
  expect(row, `audit row for ${code}`).toBeDefined();
  expect(row!.outcome).toBe(code === 'ok' ? 'success' : 'failure');
  return row!;
}

const NUL = 'a\u0000b';
const LONE = 'a\ud800b';

describe('AssumeRoleWithWebIdentity with unstorable claims', () => {
  const web = (claims: Record<string, unknown>) =>
    idp.mint(claimsFor(idp, claims)).then((token) =>
      run(stsClient(t, { accessKeyId: 'x', secretAccessKey: 'x' }).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: `arn:aws:iam::${t.accountId}:role/Web`, RoleSessionName: 'run-1', WebIdentityToken: token }))),
    );

  it.each([
    ['sub with NUL', { sub: NUL }, 'InvalidIdentityTokenException'],
    ['sub with a lone surrogate', { sub: LONE }, 'InvalidIdentityTokenException'],
    ['sub with a low surrogate first', { sub: '\udc00x' }, 'InvalidIdentityTokenException'],
    ['sub with a control character', { sub: 'a\u0007b' }, 'InvalidIdentityTokenException'],
    ['azp with NUL', { azp: NUL }, 'InvalidIdentityTokenException'],
    ['jti with a lone surrogate', { jti: LONE }, 'InvalidIdentityTokenException'],
    ['amr with NUL', { amr: ['pwd', NUL] }, 'InvalidIdentityTokenException'],
    ['iss with NUL', { iss: `${'http://127.0.0.1:1'}/${NUL}` }, 'InvalidIdentityTokenException'],
    ['iss with a lone surrogate', { iss: `http://x.example/${LONE}` }, 'InvalidIdentityTokenException'],
    ['session tag value with NUL', { 'https://aws.amazon.com/tags': { principal_tags: { team: [NUL] } } }, 'InvalidIdentityTokenException'],
    ['session tag key with a lone surrogate', { 'https://aws.amazon.com/tags': { principal_tags: { [LONE]: ['x'] } } }, 'InvalidIdentityTokenException'],
    ['source identity with NUL', { 'https://aws.amazon.com/source_identity': NUL }, 'InvalidIdentityTokenException'],
    ['an audience list with NUL beside the registered one', { aud: [NUL, LONE, 'x'] }, 'InvalidIdentityTokenException'],
    ['unused claims with NUL and lone surrogates', { note: NUL, [NUL]: LONE, nested: { a: [LONE] } }, 'ok'],
  ])('%s', async (_n, claims, code) => {
    const o = await web(claims);
    await expectHandled(o, code);
  });
});

describe('AssumeRoleWithSAML with NUL in the assertion', () => {
  const opts = (o: object) => ({ idpEntityId: ENTITY, audience: t.services.config.saml.spEntityId, acsUrl: t.services.config.saml.acsUrl, roles: [`arn:aws:iam::${t.accountId}:role/Saml,${samlProviderArn}`], ...o });
  const assume = (o: object) => {
    let b64: string;
    try {
      b64 = samlResponse(saml, opts(o)).b64;
    } catch {
      // The signer itself refuses the document: send it unsigned-but-broken as an attacker would.
      b64 = Buffer.from(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">${JSON.stringify(o)}</samlp:Response>`).toString('base64');
    }
    return run(stsClient(t, { accessKeyId: 'x', secretAccessKey: 'x' }).send(new AssumeRoleWithSAMLCommand({ RoleArn: `arn:aws:iam::${t.accountId}:role/Saml`, PrincipalArn: samlProviderArn, SAMLAssertion: b64 })));
  };
  it.each([
    ['NameID with NUL', { nameId: NUL }],
    ['NameID with a control character', { nameId: 'a\u0001b' }],
    ['an attribute with NUL', { extraAttributes: { 'urn:x': [NUL] } }],
    ['a session tag with NUL', { tags: { team: NUL } }],
    ['a session name with NUL', { sessionName: NUL }],
    ['a source identity with NUL', { sourceIdentity: NUL }],
  ])('%s: refused as InvalidIdentityToken (XML 1.0 cannot carry it), with a failure audit row', async (_n, o) => {
    const out = await assume(o);
    expect([out.status, out.code]).toEqual([400, 'InvalidIdentityTokenException']);
    const row = await auditRow(out.requestId);
    expect(row).toBeDefined();
    expect(row!.outcome).toBe('failure');
  });
});

describe('STS and IAM parameters with NUL', () => {
  let user: { accessKeyId: string; secretAccessKey: string };
  const sts = () => stsClient(t, user);
  const iam = () => iamClient(t, t.root);
  const assumeRole = (extra: object) => run(sts().send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${t.accountId}:role/Plain`, RoleSessionName: 's1', ...extra })));
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }] });
  const escapedNulPolicy = '{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/\\u0000"}]}';
  const lonePolicy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/\\ud800"}]}';

  beforeAll(async () => {
    await iam().send(new CreateUserCommand({ UserName: 'caller' }));
    await iam().send(new PutUserPolicyCommand({ UserName: 'caller', PolicyName: 'sts', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }] }) }));
    const k = (await iam().send(new CreateAccessKeyCommand({ UserName: 'caller' }))).AccessKey!;
    user = { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
  });

  it.each([
    ['AssumeRole RoleSessionName', () => assumeRole({ RoleSessionName: NUL }), 'ValidationError'],
    ['AssumeRole tag key', () => assumeRole({ Tags: [{ Key: NUL, Value: 'v' }] }), 'ValidationError'],
    ['AssumeRole tag value', () => assumeRole({ Tags: [{ Key: 'k', Value: NUL }] }), 'ValidationError'],
    ['AssumeRole SourceIdentity', () => assumeRole({ SourceIdentity: NUL }), 'ValidationError'],
    ['AssumeRole ExternalId', () => assumeRole({ ExternalId: `${NUL}cd` }), 'ValidationError'],
    ['AssumeRole SerialNumber', () => assumeRole({ SerialNumber: `arn:aws:iam::1:mfa/${NUL}`, TokenCode: '123456' }), 'ValidationError'],
    ['AssumeRole session policy with an escaped NUL', () => assumeRole({ Policy: escapedNulPolicy }), 'ok'],
    ['AssumeRole session policy with an escaped lone surrogate', () => assumeRole({ Policy: lonePolicy }), 'ok'],
    ['AssumeRole session policy with a raw NUL', () => assumeRole({ Policy: escapedNulPolicy.replace('\\u0000', '\u0000') }), 'ValidationError'],
    ['GetFederationToken Name', () => run(sts().send(new GetFederationTokenCommand({ Name: NUL }))), 'ValidationError'],
    ['CreateRole Description', () => run(iam().send(new CreateRoleCommand({ RoleName: 'D1', AssumeRolePolicyDocument: trust, Description: NUL }))), 'ValidationError'],
    ['CreateRole Path', () => run(iam().send(new CreateRoleCommand({ RoleName: 'D2', AssumeRolePolicyDocument: trust, Path: `/${NUL}/` }))), 'ValidationError'],
    ['CreateRole tag', () => run(iam().send(new CreateRoleCommand({ RoleName: 'D3', AssumeRolePolicyDocument: trust, Tags: [{ Key: 'k', Value: NUL }] }))), 'ValidationError'],
    ['CreateRole trust policy with a raw NUL', () => run(iam().send(new CreateRoleCommand({ RoleName: 'D4', AssumeRolePolicyDocument: trust.replace('sts:AssumeRole', `sts:AssumeRole${'\u0000'}`) }))), 'ValidationError'],
    ['CreateRole trust policy with an escaped NUL', () => run(iam().send(new CreateRoleCommand({ RoleName: 'D5', AssumeRolePolicyDocument: trust.replace('"Allow"', '"Allow","Sid":"x\\u0000"') }))), 'MalformedPolicyDocumentException'],
    ['CreatePolicy with an escaped NUL', () => run(iam().send(new CreatePolicyCommand({ PolicyName: 'P1', PolicyDocument: escapedNulPolicy }))), 'ok'],
    ['CreatePolicy with an escaped lone surrogate', () => run(iam().send(new CreatePolicyCommand({ PolicyName: 'P2', PolicyDocument: lonePolicy }))), 'ok'],
    ['PutRolePolicy with an escaped NUL', () => run(iam().send(new PutRolePolicyCommand({ RoleName: 'Plain', PolicyName: 'I1', PolicyDocument: escapedNulPolicy }))), 'ok'],
    ['TagRole value', () => run(iam().send(new TagRoleCommand({ RoleName: 'Plain', Tags: [{ Key: 'k', Value: NUL }] }))), 'ValidationError'],
    ['UpdateRoleDescription', () => run(iam().send(new UpdateRoleDescriptionCommand({ RoleName: 'Plain', Description: NUL }))), 'ValidationError'],
    ['CreateUser name', () => run(iam().send(new CreateUserCommand({ UserName: NUL }))), 'ValidationError'],
    ['CreateOpenIDConnectProvider client id', () => run(iam().send(new CreateOpenIDConnectProviderCommand({ Url: 'https://nul.example.test', ClientIDList: [NUL] }))), 'ValidationError'],
  ])('%s', async (_n, call, code) => {
    await expectHandled(await call(), code);
  });
});

describe('User-Agent with odd bytes', () => {
  it('is stored (audit row exists) and the call answers its own 4xx', async () => {
    const u = new URL(t.url);
    const body = 'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FWeb&RoleSessionName=s1&WebIdentityToken=abcd.efgh.ijkl';
    const ua = Buffer.concat([Buffer.from('agent/'), Buffer.from([0xff, 0xfe, 0x80, 0xc3, 0x28, 0x09]), Buffer.from('x'.repeat(2000))]);
    const raw = await new Promise<string>((resolve, reject) => {
      const s = net.connect(Number(u.port), u.hostname, () => {
        s.write(
          Buffer.concat([
            Buffer.from(`POST / HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\nUser-Agent: `),
            ua,
            Buffer.from(`\r\n\r\n${body}`),
          ]),
        );
      });
      let out = '';
      s.on('data', (d) => (out += d.toString('latin1')));
      s.on('end', () => resolve(out));
      s.on('error', reject);
    });
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
    expect(status).toBe(400);
    expect(raw).toContain('<Code>InvalidIdentityToken</Code>');
    const requestId = /<RequestId>([^<]+)<\/RequestId>/.exec(raw)![1]!;
    const row = await auditRow(requestId);
    expect(row?.user_agent?.startsWith('agent/\u00ff\u00fe\u0080\u00c3(\t')).toBe(true);
    expect(row?.user_agent?.length).toBe(1024);
  });
});

describe('responses echoing outside strings', () => {
  it('stay well-formed XML: characters XML cannot carry become U+FFFD', async () => {
    const res = await fetch(`${t.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=Get%00Caller%01Identity%EF%BF%BF&Version=2011-06-15' });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain('<Code>InvalidAction</Code><Message>Could not find operation Get\uFFFDCaller\uFFFDIdentity\uFFFD for version 2011-06-15</Message>');
    expect(/[\u0000-\u0008\uFFFF]/.test(text)).toBe(false);
  });
});

describe('the audit boundary', () => {
  it('stores NUL and unpaired surrogates escaped in every column and detail, listing the fields', async () => {
    const ids = await insertAuditEvents(t.database.db.pool, [
      {
        time: new Date(),
        requestId: `r-${NUL}`,
        service: 'sts',
        action: 'Test',
        principalArn: LONE,
        userAgent: `ua\\${NUL}`,
        outcome: 'failure',
        errorCode: 'X',
        detail: { subject: NUL, list: ['ok', LONE], [`k${NUL}`]: 1, pair: '\ud83d\ude00', plain: 'back\\slash' },
      },
    ]);
    const r = await t.database.db.query(`SELECT request_id, principal_arn, user_agent, detail FROM audit_events WHERE id = $1`, [ids[0]]);
    const row = r.rows[0]!;
    expect(row.request_id).toBe('r-a\\u0000b');
    expect(row.principal_arn).toBe('a\\ud800b');
    expect(row.user_agent).toBe('ua\\\\a\\u0000b');
    expect(row.detail).toEqual({
      subject: 'a\\u0000b',
      list: ['ok', 'a\\ud800b'],
      'ka\\u0000b': 1,
      pair: '\ud83d\ude00',
      plain: 'back\\slash',
      escapedFields: ['request_id', 'principal_arn', 'user_agent', 'detail.subject', 'detail.list[1]', 'detail{ka\\u0000b}'],
    });
    expect(escapeUnstorable('\\\u0000\udfff')).toBe('\\\\\\u0000\\udfff');
  });

  it('an event Postgres refuses fails alone, not its batch-mates', async () => {
    const log = new AuditLog(t.database.db);
    const ev = (i: number) => ({ time: i === 3 ? new Date(8.64e15) : new Date(), requestId: `batch-${i}`, service: 'sts', action: 'Test', outcome: 'success' as const });
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => log.record(ev(i))));
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 10 }, (_, i) => (i === 3 ? 'rejected' : 'fulfilled')));
    const r = await t.database.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE request_id LIKE 'batch-%'`);
    expect(r.rows[0]!.n).toBe(9);
  });
});
