import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, GetRoleCommand, ListRolesCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { timeStep, totpAt } from '../../src/mfa/index.js';
import { allow, asCreds, doc, iamClient, makeRole, makeUser, stsClient, trustAws } from './support.js';

let t: TestTessera;
let alice: Awaited<ReturnType<typeof makeUser>>;
beforeAll(async () => {
  t = await startTestTessera();
  alice = await makeUser(t, 'alice');
});
afterAll(async () => {
  await t?.stop();
});

const errOf = (p: Promise<unknown>) => p.then(() => { throw new Error('expected failure'); }, (e) => e);

describe('AssumeRole', () => {
  it('an IAM user assumes a role; the session acts as the role ∩ the session policy', async () => {
    const role = await makeRole(t, 'Dev', [trustAws(alice.arn)], doc([allow(['iam:ListRoles', 'iam:GetRole'])]));
    const out = await stsClient(t.url, alice.creds).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'dev-1' }));
    expect(out.AssumedRoleUser).toEqual({ AssumedRoleId: `${role.roleId}:dev-1`, Arn: `arn:aws:sts::${t.accountId}:assumed-role/Dev/dev-1` });
    expect(out.Credentials!.AccessKeyId).toMatch(/^ASIA/);
    expect(out.PackedPolicySize).toBeUndefined();
    const creds = asCreds(out.Credentials);
    const id = await stsClient(t.url, creds).send(new GetCallerIdentityCommand({}));
    expect(id).toMatchObject({ Account: t.accountId, Arn: `arn:aws:sts::${t.accountId}:assumed-role/Dev/dev-1`, UserId: `${role.roleId}:dev-1` });
    const iam = iamClient(t.url, creds);
    await expect(iam.send(new GetRoleCommand({ RoleName: 'Dev' }))).resolves.toMatchObject({ Role: { RoleName: 'Dev', Arn: role.arn, RoleId: role.roleId } });
    const denied = await errOf(iam.send(new ListUsersCommand({})));
    expect(denied.name).toBe('AccessDenied');
    expect(denied.message).toContain(`User: arn:aws:sts::${t.accountId}:assumed-role/Dev/dev-1 is not authorized to perform: iam:ListUsers`);

    const scoped = await stsClient(t.url, alice.creds).send(
      new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'dev-2', Policy: doc([allow('iam:ListRoles')]) }),
    );
    expect(scoped.PackedPolicySize).toBeGreaterThan(0);
    const iam2 = iamClient(t.url, asCreds(scoped.Credentials));
    expect((await iam2.send(new ListRolesCommand({}))).Roles!.map((r) => r.RoleName)).toContain('Dev');
    const e = await errOf(iam2.send(new GetRoleCommand({ RoleName: 'Dev' })));
    expect(e.name).toBe('AccessDenied');
    expect(e.message).toContain('because no session policy allows the iam:GetRole action');
  });

  it('refuses root, untrusted callers and unknown roles with AWS messages', async () => {
    // (A user that does not exist cannot be named: IAM refuses the policy. One in another account can.)
    const role = await makeRole(t, 'Closed', [trustAws('arn:aws:iam::210987654321:user/nobody')]);
    const root = await errOf(stsClient(t.url, t.root).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 's1' })));
    expect(root.name).toBe('AccessDenied');
    expect(root.message).toBe('Roles may not be assumed by root accounts.');
    const e = await errOf(stsClient(t.url, alice.creds).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 's1' })));
    expect(e.name).toBe('AccessDenied');
    expect(e.$metadata.httpStatusCode).toBe(403);
    expect(e.message).toBe(`User: ${alice.arn} is not authorized to perform: sts:AssumeRole on resource: ${role.arn}`);
    const missing = `arn:aws:iam::${t.accountId}:role/Nope`;
    const e2 = await errOf(stsClient(t.url, alice.creds).send(new AssumeRoleCommand({ RoleArn: missing, RoleSessionName: 's1' })));
    expect(e2.message).toBe(`User: ${alice.arn} is not authorized to perform: sts:AssumeRole on resource: ${missing}`);
    const bad = await errOf(stsClient(t.url, alice.creds).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'x' })));
    expect(bad.name).toBe('ValidationError');
    expect(bad.message).toContain("Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2");
  });

  it('a trust policy naming the account delegates to the caller identity policy', async () => {
    const role = await makeRole(t, 'AcctTrust', [trustAws(`arn:aws:iam::${t.accountId}:root`)]);
    const bob = await makeUser(t, 'bob');
    const e = await errOf(stsClient(t.url, bob.creds).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'bb' })));
    expect(e.name).toBe('AccessDenied');
    const carol = await makeUser(t, 'carol', doc([allow('sts:AssumeRole', role.arn)]));
    await expect(stsClient(t.url, carol.creds).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'cc' }))).resolves.toMatchObject({ AssumedRoleUser: { Arn: `arn:aws:sts::${t.accountId}:assumed-role/AcctTrust/cc` } });
  });

  it('duration limits: MaxSessionDuration and the 1 hour role-chaining cap', async () => {
    const a = await makeRole(t, 'ChainA', [trustAws(alice.arn)], undefined, 7200);
    const b = await makeRole(t, 'ChainB', [trustAws(a.arn)], undefined, 43200);
    const tooLong = await errOf(stsClient(t.url, alice.creds).send(new AssumeRoleCommand({ RoleArn: a.arn, RoleSessionName: 'ss', DurationSeconds: 7201 })));
    expect(tooLong.name).toBe('ValidationError');
    expect(tooLong.message).toBe('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    const first = await stsClient(t.url, alice.creds).send(new AssumeRoleCommand({ RoleArn: a.arn, RoleSessionName: 'ss', DurationSeconds: 7200 }));
    const sa = asCreds(first.Credentials);
    const chained = await errOf(stsClient(t.url, sa).send(new AssumeRoleCommand({ RoleArn: b.arn, RoleSessionName: 's2', DurationSeconds: 3601 })));
    expect(chained.name).toBe('ValidationError');
    expect(chained.message).toBe('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    const ok = await stsClient(t.url, sa).send(new AssumeRoleCommand({ RoleArn: b.arn, RoleSessionName: 's2' }));
    expect(ok.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${t.accountId}:assumed-role/ChainB/s2`);
  });

  it('ExternalId is matched through sts:ExternalId', async () => {
    const role = await makeRole(t, 'Vendor', [trustAws(alice.arn, 'sts:AssumeRole', { Condition: { StringEquals: { 'sts:ExternalId': 'ext-123' } } })]);
    const c = stsClient(t.url, alice.creds);
    expect((await errOf(c.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'vv' })))).name).toBe('AccessDenied');
    expect((await errOf(c.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'vv', ExternalId: 'ext-999' })))).name).toBe('AccessDenied');
    await expect(c.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'vv', ExternalId: 'ext-123' }))).resolves.toMatchObject({ AssumedRoleUser: { Arn: `arn:aws:sts::${t.accountId}:assumed-role/Vendor/vv` } });
  });

  it('an MFA-gated trust policy needs a valid, unused TOTP code', async () => {
    const dave = await makeUser(t, 'dave');
    const iam = iamClient(t.url, t.root);
    const dev = (await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'dave' }))).VirtualMFADevice!;
    const seed = Buffer.from(dev.Base32StringSeed!).toString('utf8');
    const step = timeStep(new Date());
    await iam.send(new EnableMFADeviceCommand({ UserName: 'dave', SerialNumber: dev.SerialNumber!, AuthenticationCode1: totpAt(seed, step - 2), AuthenticationCode2: totpAt(seed, step - 1) }));
    const role = await makeRole(t, 'Admin', [trustAws(dave.arn, 'sts:AssumeRole', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })]);
    const c = stsClient(t.url, dave.creds);
    expect((await errOf(c.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'mm' })))).name).toBe('AccessDenied');
    const code = totpAt(seed, step);
    const ok = await c.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'mm', SerialNumber: dev.SerialNumber!, TokenCode: code }));
    expect(ok.Credentials!.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(ok.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${t.accountId}:assumed-role/Admin/mm`);
    const replay = await errOf(c.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'mm', SerialNumber: dev.SerialNumber!, TokenCode: code })));
    expect(replay.name).toBe('AccessDenied');
    expect(replay.message).toBe('MultiFactorAuthentication failed with invalid MFA one time pass code.');
  });

  it('session tags need sts:TagSession; transitive tags follow a chain', async () => {
    const untagged = await makeRole(t, 'NoTags', [trustAws(alice.arn)]);
    const e = await errOf(stsClient(t.url, alice.creds).send(new AssumeRoleCommand({ RoleArn: untagged.arn, RoleSessionName: 'tt', Tags: [{ Key: 'Project', Value: 'x' }] })));
    expect(e.message).toBe(`User: ${alice.arn} is not authorized to perform: sts:TagSession on resource: ${untagged.arn}`);
    const first = await makeRole(t, 'TagFirst', [trustAws(alice.arn, ['sts:AssumeRole', 'sts:TagSession'])]);
    const second = await makeRole(
      t,
      'TagSecond',
      [trustAws(first.arn, ['sts:AssumeRole', 'sts:TagSession'])],
      doc([allow('iam:ListRoles', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/Project': 'x' } } })]),
    );
    const s1 = await stsClient(t.url, alice.creds).send(
      new AssumeRoleCommand({ RoleArn: first.arn, RoleSessionName: 't1', Tags: [{ Key: 'Project', Value: 'x' }, { Key: 'Team', Value: 'y' }], TransitiveTagKeys: ['Project'] }),
    );
    expect(s1.PackedPolicySize).toBeGreaterThan(0);
    const s2 = await stsClient(t.url, asCreds(s1.Credentials)).send(new AssumeRoleCommand({ RoleArn: second.arn, RoleSessionName: 't2' }));
    expect((await iamClient(t.url, asCreds(s2.Credentials)).send(new ListRolesCommand({}))).Roles!.map((r) => r.RoleName)).toContain('TagSecond');
    // Without the transitive tag the condition fails.
    const direct = await makeRole(t, 'TagDirect', [trustAws(alice.arn, ['sts:AssumeRole', 'sts:TagSession'])], doc([allow('iam:ListRoles', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/Project': 'x' } } })]));
    const s3 = await stsClient(t.url, alice.creds).send(new AssumeRoleCommand({ RoleArn: direct.arn, RoleSessionName: 't3', Tags: [{ Key: 'Project', Value: 'other' }] }));
    expect((await errOf(iamClient(t.url, asCreds(s3.Credentials)).send(new ListRolesCommand({})))).name).toBe('AccessDenied');
    // A chained session may not override an inherited transitive tag.
    const clash = await errOf(stsClient(t.url, asCreds(s1.Credentials)).send(new AssumeRoleCommand({ RoleArn: second.arn, RoleSessionName: 't4', Tags: [{ Key: 'project', Value: 'z' }] })));
    expect(clash.name).toBe('InvalidParameterValue');
  });

  it('SourceIdentity needs sts:SetSourceIdentity and is sticky along a chain', async () => {
    const a = await makeRole(t, 'SrcA', [trustAws(alice.arn, ['sts:AssumeRole', 'sts:SetSourceIdentity'])]);
    const b = await makeRole(t, 'SrcB', [trustAws(a.arn, ['sts:AssumeRole', 'sts:SetSourceIdentity'])]);
    const noPerm = await makeRole(t, 'SrcNone', [trustAws(alice.arn)]);
    const e = await errOf(stsClient(t.url, alice.creds).send(new AssumeRoleCommand({ RoleArn: noPerm.arn, RoleSessionName: 'ss', SourceIdentity: 'alice' })));
    expect(e.message).toBe(`User: ${alice.arn} is not authorized to perform: sts:SetSourceIdentity on resource: ${noPerm.arn}`);
    const s1 = await stsClient(t.url, alice.creds).send(new AssumeRoleCommand({ RoleArn: a.arn, RoleSessionName: 'ss', SourceIdentity: 'alice' }));
    expect(s1.SourceIdentity).toBe('alice');
    const s2 = await stsClient(t.url, asCreds(s1.Credentials)).send(new AssumeRoleCommand({ RoleArn: b.arn, RoleSessionName: 's2' }));
    expect(s2.SourceIdentity).toBe('alice');
    const change = await errOf(stsClient(t.url, asCreds(s1.Credentials)).send(new AssumeRoleCommand({ RoleArn: b.arn, RoleSessionName: 's3', SourceIdentity: 'mallory' })));
    expect(change.name).toBe('AccessDenied');
    const audit = await t.database.db.query(`SELECT detail FROM audit_events WHERE request_id = $1`, [s2.$metadata.requestId]);
    expect(audit.rows[0]!.detail).toMatchObject({ roleArn: b.arn, roleSessionName: 's2', sourceIdentity: 'alice', issuedBy: 'AssumeRole' });
  });

  it('bad session policies and oversized packed input are refused', async () => {
    const role = await makeRole(t, 'Pol', [trustAws(alice.arn, ['sts:AssumeRole', 'sts:TagSession'])]);
    const c = stsClient(t.url, alice.creds);
    const m = await errOf(c.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'pp', Policy: '{"Statement":[{"Effect":"Allow"}]}' })));
    expect(m.name).toBe('MalformedPolicyDocumentException');
    const rnd = (n: number) => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[Math.floor(Math.random() * 62)]).join('');
    const tags = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}${rnd(100)}`, Value: rnd(250) }));
    const big = await errOf(c.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'pp', Tags: tags })));
    expect(big.name).toBe('PackedPolicyTooLargeException');
    expect(big.message).toMatch(/^Packed policy consumes \d+% of allotted space, please use smaller policy for your request\.$/);
  });
});
