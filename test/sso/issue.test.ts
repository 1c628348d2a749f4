import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, CreateUserCommand, ListUsersCommand, PutRolePolicyCommand, PutUserPolicyCommand, RemoveClientIDFromOpenIDConnectProviderCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { iamClient, rejection, stsClient } from '../support/clients.js';
import { issueForSession } from '../../src/sso/issue.js';
import { LoginSessions, principalKeyOf } from '../../src/sso/login-sessions.js';
import type { LoginSession, MfaState, SignedInPrincipal } from '../../src/sso/types.js';
import type { RequestInfo } from '../../src/protocols/operation.js';

/**
 * issueForSession: credentials for a signed-in person through STS's own paths, with the login
 * session's MFA carried and the login session as the lineage's first ancestor.
 */
describe('issueForSession', () => {
  let t: TestTessera;
  let oidcArn: string;
  const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
  const info = (): RequestInfo => ({ requestId: `req-${Math.random().toString(36).slice(2)}`, now: new Date(), sourceIp: '127.0.0.1', userAgent: 'issue-test', region: 'us-east-1', secureTransport: true });
  const arn = (n: string) => `arn:aws:iam::${t.accountId}:role/${n}`;
  let sessions: LoginSessions;

  beforeAll(async () => {
    t = await startTestTessera();
    sessions = new LoginSessions(t.services);
    const iam = iamClient(t, t.root);
    const root = `arn:aws:iam::${t.accountId}:root`;
    oidcArn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://idp.example/r', ClientIDList: ['app', 'other'], ThumbprintList: ['a'.repeat(40)] }))).OpenIDConnectProviderArn!;
    await iam.send(new CreateRoleCommand({ RoleName: 'Dev', MaxSessionDuration: 7200, AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: root }, Action: 'sts:AssumeRole' }) }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'Dev', PolicyName: 'p', PolicyDocument: doc({ Effect: 'Allow', Action: ['iam:ListUsers', 'sts:AssumeRole'], Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }) }));
    await iam.send(new CreateRoleCommand({ RoleName: 'Chained', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: arn('Dev') }, Action: 'sts:AssumeRole' }) }));
    await iam.send(new CreateRoleCommand({ RoleName: 'Nobody', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' }) }));
    await iam.send(new CreateRoleCommand({
      RoleName: 'Web',
      AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Federated: oidcArn }, Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'], Condition: { StringEquals: { 'idp.example/r:sub': 'user:42' } } }),
    }));
    await iam.send(new CreateUserCommand({ UserName: 'mia' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'mia', PolicyName: 'p', PolicyDocument: doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }) }));
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  const mia = async (): Promise<SignedInPrincipal> => {
    const row = (await t.services.store.users.get(t.accountId, 'mia'))!;
    return { kind: 'iam-user', accountId: t.accountId, userId: row.id, userName: row.name, arn: `arn:aws:iam::${t.accountId}:user/mia` };
  };
  const oidc = (): SignedInPrincipal => ({
    kind: 'federated',
    connectorId: 'corp',
    connectorType: 'oidc',
    identity: {
      kind: 'oidc',
      providerArn: oidcArn,
      keyPrefix: 'idp.example/r',
      issuer: 'https://idp.example/r',
      subject: 'user:42',
      audience: 'app',
      conditionKeys: { 'idp.example/r:sub': 'user:42', 'idp.example/r:aud': 'app' },
      persistentKeys: { 'idp.example/r:sub': 'user:42', 'idp.example/r:aud': 'app' },
      session: { tags: { team: 'eng' } },
      groups: [],
      email: 'u42@example.test',
    },
  });
  const signIn = async (p: SignedInPrincipal, mfa: MfaState): Promise<LoginSession> =>
    (await sessions.create(p, mfa, { now: new Date(), sourceIp: '127.0.0.1', userAgent: 'issue-test' })).session;
  const creds = (c: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }) => ({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken });

  it('IAM user with MFA: AssumeRole path, MFA carried into the credentials, audited with the person', async () => {
    const s = await signIn(await mia(), { present: true, method: 'totp', authTime: new Date().toISOString() });
    const req = info();
    const out = await issueForSession(t.services, s, { roleArn: arn('Dev'), durationSeconds: 5400, via: 'portal' }, req);
    expect(out.action).toBe('AssumeRole');
    expect(out.assumedRoleArn).toBe(`arn:aws:sts::${t.accountId}:assumed-role/Dev/mia`);
    expect(out.durationSeconds).toBe(5400);
    const c = creds(out.issued.credentials);
    expect((await stsClient(t, c).send(new GetCallerIdentityCommand({}))).Arn).toBe(out.assumedRoleArn);
    // The role's policy needs aws:MultiFactorAuthPresent: the session's TOTP proof counts.
    await iamClient(t, c).send(new ListUsersCommand({}));
    const rows = (await t.database.db.query<{ action: string; outcome: string; principal_arn: string; detail: Record<string, unknown> | string }>(
      `SELECT action, outcome, principal_arn, detail FROM audit_events WHERE service = 'sts' AND request_id = $1`, [req.requestId],
    )).rows;
    expect(rows).toHaveLength(1);
    const detail = typeof rows[0]!.detail === 'string' ? JSON.parse(rows[0]!.detail) : rows[0]!.detail;
    expect(rows[0]).toMatchObject({ action: 'AssumeRole', outcome: 'success', principal_arn: `arn:aws:iam::${t.accountId}:user/mia` });
    expect(detail).toMatchObject({ via: 'portal', loginSessionId: s.id, subject: 'mia', assumedRoleArn: out.assumedRoleArn, mfa: true, sessionId: out.issued.sessionId });
    expect(JSON.stringify(detail)).not.toContain(out.issued.credentials.SecretAccessKey);
    expect(JSON.stringify(detail)).not.toContain(out.issued.credentials.SessionToken);
  });

  it('without MFA the same role policy denies', async () => {
    const s = await signIn(await mia(), { present: false });
    const out = await issueForSession(t.services, s, { roleArn: arn('Dev'), via: 'portal' }, info());
    expect(out.durationSeconds).toBe(3600);
    const e = await rejection(iamClient(t, creds(out.issued.credentials)).send(new ListUsersCommand({})));
    expect(e.name).toBe('AccessDenied');
  });

  it('refusals are STS\'s: duration over MaxSessionDuration, a trust policy that does not admit the user', async () => {
    const s = await signIn(await mia(), { present: false });
    await expect(issueForSession(t.services, s, { roleArn: arn('Dev'), durationSeconds: 7201, via: 'portal' }, info())).rejects.toMatchObject({
      code: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    });
    await expect(issueForSession(t.services, s, { roleArn: arn('Nobody'), via: 'portal' }, info())).rejects.toMatchObject({
      code: 'AccessDenied',
      message: `User: arn:aws:iam::${t.accountId}:user/mia is not authorized to perform: sts:AssumeRole on resource: ${arn('Nobody')}`,
    });
    await expect(issueForSession(t.services, s, { roleArn: 'not-an-arn', via: 'portal' }, info())).rejects.toMatchObject({ code: 'ValidationError' });
  });

  it('revoking the login session revokes what was issued from it, and what was chained from that', async () => {
    const s = await signIn(await mia(), { present: true, method: 'totp', authTime: new Date().toISOString() });
    const other = await signIn(await mia(), { present: true, method: 'totp', authTime: new Date().toISOString() });
    const a = creds((await issueForSession(t.services, s, { roleArn: arn('Dev'), via: 'cli' }, info())).issued.credentials);
    const b = creds((await issueForSession(t.services, other, { roleArn: arn('Dev'), via: 'cli' }, info())).issued.credentials);
    const chained = (await stsClient(t, a).send(new AssumeRoleCommand({ RoleArn: arn('Chained'), RoleSessionName: 'chain' }))).Credentials!;
    const ch = { accessKeyId: chained.AccessKeyId!, secretAccessKey: chained.SecretAccessKey!, sessionToken: chained.SessionToken! };
    await stsClient(t, ch).send(new GetCallerIdentityCommand({}));
    expect(await sessions.revoke(s.id, new Date())).toBe(true);
    await new Promise((r) => setTimeout(r, 300)); // the revocation memo (250 ms)
    for (const c of [a, ch]) expect((await rejection(stsClient(t, c).send(new GetCallerIdentityCommand({})))).name).toBe('InvalidClientTokenId');
    // Another login session of the same person is untouched…
    await stsClient(t, b).send(new GetCallerIdentityCommand({}));
    // …until the person signs out everywhere.
    await sessions.revokeAllOf(principalKeyOf(other.principal), new Date());
    await new Promise((r) => setTimeout(r, 300));
    expect((await rejection(stsClient(t, b).send(new GetCallerIdentityCommand({})))).name).toBe('InvalidClientTokenId');
  });

  it('federated OIDC identity: the AssumeRoleWithWebIdentity path (trust, tags), provider re-checked at issuance', async () => {
    const s = await signIn(oidc(), { present: true, method: 'upstream', authTime: new Date().toISOString() });
    const out = await issueForSession(t.services, s, { roleArn: arn('Web'), via: 'portal' }, info());
    expect(out.action).toBe('AssumeRoleWithWebIdentity');
    expect(out.assumedRoleArn).toBe(`arn:aws:sts::${t.accountId}:assumed-role/Web/u42@example.test`);
    expect(out.issued.caller.session?.tags).toEqual({ team: 'eng' });
    expect(out.issued.caller.session?.mfaAuthenticated).toBe(true);
    await expect(issueForSession(t.services, s, { roleArn: arn('Dev'), via: 'portal' }, info())).rejects.toMatchObject({ code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' });
    // The client id removed from the IAM provider: STS would refuse a fresh token; so does this.
    await iamClient(t, t.root).send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: oidcArn, ClientID: 'app' }));
    await new Promise((r) => setTimeout(r, 300));
    await expect(issueForSession(t.services, s, { roleArn: arn('Web'), via: 'portal' }, info())).rejects.toMatchObject({ code: 'AccessDenied' });
  });
});
