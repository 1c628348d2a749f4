import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { signedTokenPost } from '../support/oauth.js';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { startTestOidcIdp, type TestOidcIdp } from '../fixtures/oidc-idp.js';
import { iamClient } from '../support/clients.js';

let t: TestTessera;
let idp: TestOidcIdp;
const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT = 'urn:ietf:params:oauth:token-type:jwt';
const SESSION = 'urn:tessera:params:oauth:token-type:aws-session';
const roleArn = (n: string) => `arn:aws:iam::${t.accountId}:role/${n}`;

const post = async (form: Record<string, string>, headers: Record<string, string> = {}) => {
  const res = await fetch(`${t.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
};

/** POST /oauth2/token signed with SigV4 (service sts) by temporary credentials. */
const signedPost = (form: Record<string, string>, creds: { accessKeyId: string; secretAccessKey: string; sessionToken: string }) => signedTokenPost(t.url, form, creds);

beforeAll(async () => {
  t = await startTestTessera();
  idp = await startTestOidcIdp();
  const iam = iamClient(t, t.root);
  const { OpenIDConnectProviderArn } = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: [idp.audience] }));
  const trust = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
  await iam.send(new CreateRoleCommand({ RoleName: 'Exchanged', AssumeRolePolicyDocument: trust({ Effect: 'Allow', Principal: { Federated: OpenIDConnectProviderArn }, Action: 'sts:AssumeRoleWithWebIdentity' }) }));
  await iam.send(new CreateRoleCommand({ RoleName: 'Chained', AssumeRolePolicyDocument: trust({ Effect: 'Allow', Principal: { AWS: roleArn('Exchanged') }, Action: ['sts:AssumeRole'] }) }));
  await iam.send(new CreateRoleCommand({ RoleName: 'Closed', AssumeRolePolicyDocument: trust({ Effect: 'Allow', Principal: { Federated: OpenIDConnectProviderArn }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${idp.issuer.replace('http://', '')}:sub`]: 'nobody' } } }) }));
}, 60_000);

afterAll(async () => {
  await idp?.close();
  await t?.stop();
});

describe('RFC 8693 token exchange at POST /oauth2/token', () => {
  it('exchanges an OIDC JWT for role credentials', async () => {
    const r = await post({ grant_type: GRANT, subject_token: await idp.token(), subject_token_type: JWT, resource: roleArn('Exchanged'), duration_seconds: '900' });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toMatchObject({ token_type: 'N_A', issued_token_type: SESSION, assumed_role_arn: `arn:aws:sts::${t.accountId}:assumed-role/Exchanged/workload` });
    expect(r.body.access_token).toBe(r.body.aws_session_token);
    expect(r.body.expires_in).toBeGreaterThan(890);
    expect(r.body.expires_in).toBeLessThanOrEqual(900);
    const me = await new STSClient({ endpoint: t.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: r.body.aws_access_key_id, secretAccessKey: r.body.aws_secret_access_key, sessionToken: r.body.aws_session_token } }).send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(r.body.assumed_role_arn);
  });

  it('exchanges a Tessera session (SigV4-signed with it) for a chained role', async () => {
    const first = await post({ grant_type: GRANT, subject_token: await idp.token(), subject_token_type: JWT, audience: roleArn('Exchanged'), session_name: 'svc-a' });
    const creds = { accessKeyId: first.body.aws_access_key_id, secretAccessKey: first.body.aws_secret_access_key, sessionToken: first.body.aws_session_token };
    const r = await signedPost({ grant_type: GRANT, subject_token: creds.sessionToken, subject_token_type: SESSION, resource: roleArn('Chained') }, creds);
    expect(r.status).toBe(200);
    expect(r.body.assumed_role_arn).toBe(`arn:aws:sts::${t.accountId}:assumed-role/Chained/svc-a`);
    // The session token alone (unsigned) proves nothing.
    const unsigned = await post({ grant_type: GRANT, subject_token: creds.sessionToken, subject_token_type: SESSION, resource: roleArn('Chained') });
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error).toBe('invalid_client');
    // Signed with other credentials than the subject token's.
    const wrong = await signedPost({ grant_type: GRANT, subject_token: 'x'.repeat(40), subject_token_type: SESSION, resource: roleArn('Chained') }, creds);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');
  });

  it.each([
    ['wrong grant_type', { grant_type: 'client_credentials' }, 400, 'unsupported_grant_type'],
    ['missing subject_token', { subject_token: '' }, 400, 'invalid_request'],
    ['unknown subject_token_type', { subject_token_type: 'urn:x:y' }, 400, 'invalid_request'],
    ['no role', { resource: '' }, 400, 'invalid_request'],
    ['resource not a role', { resource: 'https://api.example' }, 400, 'invalid_target'],
    ['resource and audience disagree', { audience: 'arn:aws:iam::123456789012:role/Other' }, 400, 'invalid_target'],
    ['bad token', { subject_token: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' }, 400, 'invalid_grant'],
    ['trust policy refuses', { resource: 'ROLE:Closed' }, 400, 'unauthorized_client'],
    ['bad duration', { duration_seconds: '10' }, 400, 'invalid_request'],
  ])('%s → %s %s', async (_n, over, status, error) => {
    const form: Record<string, string> = { grant_type: GRANT, subject_token: await idp.token(), subject_token_type: JWT, resource: roleArn('Exchanged'), ...over };
    for (const [k, v] of Object.entries(form)) {
      if (v === '') delete form[k];
      else if (v.startsWith('ROLE:')) form[k] = roleArn(v.slice(5));
    }
    const r = await post(form);
    expect(r.status).toBe(status);
    expect(r.body.error).toBe(error);
    expect(typeof r.body.error_description).toBe('string');
  });

  it('refuses non-form bodies and audits every exchange without tokens', async () => {
    const r = await fetch(`${t.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toBe('invalid_request');
    await t.services.audit.flush();
    const rows = await t.database.db.query(`SELECT outcome, detail::text AS d FROM audit_events WHERE action = 'TokenExchange'`);
    expect(rows.rows.length).toBeGreaterThan(5);
    expect(rows.rows.some((x: any) => x.outcome === 'success' && x.d.includes('workload'))).toBe(true);
    for (const row of rows.rows) expect(row.d).not.toMatch(/eyJ[\w-]{20,}\.[\w-]{20,}/);
  });
});
