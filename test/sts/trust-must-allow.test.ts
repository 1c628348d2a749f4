/**
 * A role's trust policy must itself allow, even in the role's own account: unlike other
 * resource-based policies it is no union with the caller's identity policies. An identity policy
 * that allows sts:AssumeRole (or sts:TagSession / sts:SetSourceIdentity) never makes up for a
 * trust policy whose Allow does not match — a failing condition (sts:ExternalId,
 * aws:MultiFactorAuthPresent, …), another principal, another action. A trust Allow naming the
 * caller suffices; one naming only the account delegates to the identity policies, which must
 * then allow as well.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_compare-resource-policies.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 */
import { describe, expect, it } from 'vitest';
import { AssumeRoleCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { CreateVirtualMFADeviceCommand, EnableMFADeviceCommand } from '@aws-sdk/client-iam';
import { exchangeSession } from '../support/oauth.js';
import { useTessera, type TestTessera } from '../support/tessera.js';
import { timeStep, totpAt } from '../../src/mfa/index.js';
import { allow, asCreds, doc, iamClient, makeRole, makeUser, stsClient, trustAws, type Creds } from './support.js';

let t: TestTessera;
useTessera((started) => {
  t = started;
});

const errOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected failure');
    },
    (e) => e,
  );
const assume = (c: Creds, input: ConstructorParameters<typeof AssumeRoleCommand>[0]) => stsClient(t.url, c).send(new AssumeRoleCommand(input));
/** AWS's AccessDenied for a trust action, exactly. */
async function expectDenied(p: Promise<unknown>, callerArn: string, action: string, roleArn: string): Promise<void> {
  const e = await errOf(p);
  expect(e.name).toBe('AccessDenied');
  expect(e.$metadata.httpStatusCode).toBe(403);
  expect(e.message).toBe(`User: ${callerArn} is not authorized to perform: ${action} on resource: ${roleArn}`);
}
const everything = () => doc([allow(['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'], '*')]);

describe('same-account trust policies must allow (identity policies cannot make up for them)', () => {
  it('sts:ExternalId: an identity allow on * does not stand in for the trust condition', async () => {
    const user = await makeUser(t, 'ext-user', everything());
    const role = await makeRole(t, 'ExtRole', [trustAws(user.arn, 'sts:AssumeRole', { Condition: { StringEquals: { 'sts:ExternalId': 'ext-123' } } })]);
    await expectDenied(assume(user.creds, { RoleArn: role.arn, RoleSessionName: 'e1' }), user.arn, 'sts:AssumeRole', role.arn);
    await expectDenied(assume(user.creds, { RoleArn: role.arn, RoleSessionName: 'e1', ExternalId: 'ext-999' }), user.arn, 'sts:AssumeRole', role.arn);
    const ok = await assume(user.creds, { RoleArn: role.arn, RoleSessionName: 'e1', ExternalId: 'ext-123' });
    expect(ok.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${t.accountId}:assumed-role/ExtRole/e1`);
  });

  it('aws:MultiFactorAuthPresent: long-term keys and a session without MFA are refused, a TOTP code passes', async () => {
    const user = await makeUser(t, 'mfa-user', everything());
    const iam = iamClient(t.url, t.root);
    const dev = (await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'mfa-user' }))).VirtualMFADevice!;
    const seed = Buffer.from(dev.Base32StringSeed!).toString('utf8');
    const step = timeStep(new Date());
    await iam.send(new EnableMFADeviceCommand({ UserName: 'mfa-user', SerialNumber: dev.SerialNumber!, AuthenticationCode1: totpAt(seed, step - 2), AuthenticationCode2: totpAt(seed, step - 1) }));
    const role = await makeRole(t, 'MfaRole', [trustAws(user.arn, 'sts:AssumeRole', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })]);
    await expectDenied(assume(user.creds, { RoleArn: role.arn, RoleSessionName: 'm1' }), user.arn, 'sts:AssumeRole', role.arn);
    // GetSessionToken without MFA: aws:MultiFactorAuthPresent is present and false.
    const plain = asCreds((await stsClient(t.url, user.creds).send(new GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials);
    await expectDenied(assume(plain, { RoleArn: role.arn, RoleSessionName: 'm2' }), user.arn, 'sts:AssumeRole', role.arn);
    const ok = await assume(user.creds, { RoleArn: role.arn, RoleSessionName: 'm3', SerialNumber: dev.SerialNumber!, TokenCode: totpAt(seed, step) });
    expect(ok.Credentials!.AccessKeyId).toMatch(/^ASIA/);
  });

  it('a trust policy naming the account root delegates: no identity policy → denied, an identity allow → allowed', async () => {
    const role = await makeRole(t, 'RootTrust', [trustAws(`arn:aws:iam::${t.accountId}:root`)]);
    const none = await makeUser(t, 'root-none');
    await expectDenied(assume(none.creds, { RoleArn: role.arn, RoleSessionName: 'r1' }), none.arn, 'sts:AssumeRole', role.arn);
    const other = await makeUser(t, 'root-other', doc([allow('sts:AssumeRole', `arn:aws:iam::${t.accountId}:role/Elsewhere`)]));
    await expectDenied(assume(other.creds, { RoleArn: role.arn, RoleSessionName: 'r1' }), other.arn, 'sts:AssumeRole', role.arn);
    const some = await makeUser(t, 'root-some', doc([allow('sts:AssumeRole', role.arn)]));
    await expect(assume(some.creds, { RoleArn: role.arn, RoleSessionName: 'r1' })).resolves.toMatchObject({ AssumedRoleUser: { Arn: `arn:aws:sts::${t.accountId}:assumed-role/RootTrust/r1` } });
  });

  it('a trust policy naming the user directly needs no identity policy; naming someone else refuses an identity allow', async () => {
    const user = await makeUser(t, 'direct-user');
    const role = await makeRole(t, 'DirectTrust', [trustAws(user.arn)]);
    await expect(assume(user.creds, { RoleArn: role.arn, RoleSessionName: 'd1' })).resolves.toMatchObject({ AssumedRoleUser: { Arn: expect.stringMatching(/:assumed-role\/[^/]+\/d1$/) } });
    const wide = await makeUser(t, 'direct-wide', everything());
    await expectDenied(assume(wide.creds, { RoleArn: role.arn, RoleSessionName: 'd1' }), wide.arn, 'sts:AssumeRole', role.arn);
  });

  it('sts:TagSession: the trust policy must allow it, an identity allow for sts:TagSession is not enough', async () => {
    const user = await makeUser(t, 'tag-user', everything());
    const role = await makeRole(t, 'TagRole', [trustAws(user.arn, 'sts:AssumeRole')]);
    await expectDenied(assume(user.creds, { RoleArn: role.arn, RoleSessionName: 't1', Tags: [{ Key: 'Project', Value: 'x' }] }), user.arn, 'sts:TagSession', role.arn);
    await expectDenied(assume(user.creds, { RoleArn: role.arn, RoleSessionName: 't1', TransitiveTagKeys: ['Project'], Tags: [{ Key: 'Project', Value: 'x' }] }), user.arn, 'sts:TagSession', role.arn);
    // A TagSession Allow whose condition on the requested tag fails is no allow either.
    const gated = await makeRole(t, 'TagGated', [
      trustAws(user.arn, 'sts:AssumeRole'),
      trustAws(user.arn, 'sts:TagSession', { Condition: { StringEquals: { 'aws:RequestTag/Project': 'y' } } }),
    ]);
    await expectDenied(assume(user.creds, { RoleArn: gated.arn, RoleSessionName: 't2', Tags: [{ Key: 'Project', Value: 'x' }] }), user.arn, 'sts:TagSession', gated.arn);
    await expect(assume(user.creds, { RoleArn: gated.arn, RoleSessionName: 't2', Tags: [{ Key: 'Project', Value: 'y' }] })).resolves.toMatchObject({ AssumedRoleUser: { Arn: expect.stringMatching(/:assumed-role\/[^/]+\/t2$/) } });
    await expect(assume(user.creds, { RoleArn: role.arn, RoleSessionName: 't3' })).resolves.toMatchObject({ AssumedRoleUser: { Arn: expect.stringMatching(/:assumed-role\/[^/]+\/t3$/) } });
  });

  it('sts:SetSourceIdentity: the trust policy must allow it, an identity allow for sts:SetSourceIdentity is not enough', async () => {
    const user = await makeUser(t, 'src-user', everything());
    const role = await makeRole(t, 'SrcIdRole', [trustAws(user.arn, 'sts:AssumeRole')]);
    await expectDenied(assume(user.creds, { RoleArn: role.arn, RoleSessionName: 's1', SourceIdentity: 'src-user' }), user.arn, 'sts:SetSourceIdentity', role.arn);
    const allowed = await makeRole(t, 'SrcIdOk', [trustAws(user.arn, ['sts:AssumeRole', 'sts:SetSourceIdentity'])]);
    await expect(assume(user.creds, { RoleArn: allowed.arn, RoleSessionName: 's1', SourceIdentity: 'src-user' })).resolves.toMatchObject({ SourceIdentity: 'src-user' });
  });

  it('role chaining: a role session with sts:AssumeRole on * is refused by a trust policy that does not name it', async () => {
    const user = await makeUser(t, 'chain-user');
    const source = await makeRole(t, 'ChainSource', [trustAws(user.arn)], everything());
    const s = asCreds((await assume(user.creds, { RoleArn: source.arn, RoleSessionName: 'c1' })).Credentials);
    const sessionArn = `arn:aws:sts::${t.accountId}:assumed-role/ChainSource/c1`;
    const other = await makeRole(t, 'ChainOther', [trustAws(user.arn)]);
    await expectDenied(assume(s, { RoleArn: other.arn, RoleSessionName: 'c2' }), sessionArn, 'sts:AssumeRole', other.arn);
    const gated = await makeRole(t, 'ChainGated', [trustAws(source.arn, 'sts:AssumeRole', { Condition: { StringEquals: { 'sts:ExternalId': 'chain-1' } } })]);
    await expectDenied(assume(s, { RoleArn: gated.arn, RoleSessionName: 'c2' }), sessionArn, 'sts:AssumeRole', gated.arn);
    await expect(assume(s, { RoleArn: gated.arn, RoleSessionName: 'c2', ExternalId: 'chain-1' })).resolves.toMatchObject({ AssumedRoleUser: { Arn: expect.stringMatching(/:assumed-role\/[^/]+\/c2$/) } });
    // Naming the source role suffices without any identity policy on it.
    const bare = await makeRole(t, 'ChainBare', [trustAws(user.arn)]);
    const b = asCreds((await assume(user.creds, { RoleArn: bare.arn, RoleSessionName: 'c3' })).Credentials);
    const named = await makeRole(t, 'ChainNamed', [trustAws(bare.arn)]);
    await expect(assume(b, { RoleArn: named.arn, RoleSessionName: 'c4' })).resolves.toMatchObject({ AssumedRoleUser: { Arn: expect.stringMatching(/:assumed-role\/[^/]+\/c4$/) } });
  });

  it('the /oauth2/token exchange of a role session goes through the same trust check', async () => {
    const user = await makeUser(t, 'oauth-user');
    const source = await makeRole(t, 'OauthSource', [trustAws(user.arn)], everything());
    const s = asCreds((await assume(user.creds, { RoleArn: source.arn, RoleSessionName: 'o1' })).Credentials);
    // The exchange cannot pass an ExternalId: a role that requires one refuses the session,
    // even though the session's role allows sts:AssumeRole on *.
    const gated = await makeRole(t, 'OauthGated', [trustAws(source.arn, 'sts:AssumeRole', { Condition: { StringEquals: { 'sts:ExternalId': 'x-1' } } })]);
    const denied = await exchange(s, gated.arn);
    expect(denied.status).toBe(400);
    expect(denied.body.error).toBe('unauthorized_client');
    const open = await makeRole(t, 'OauthOpen', [trustAws(`arn:aws:iam::${t.accountId}:root`)]);
    const ok = await exchange(s, open.arn);
    expect(ok.status).toBe(200);
    expect(ok.body.assumed_role_arn).toMatch(/:assumed-role\/OauthOpen\//);
  });
});

/** An aws-session token exchange at /oauth2/token, SigV4-signed (service sts) by the session. */
const exchange = (creds: Creds, roleArn: string) => exchangeSession(t.url, creds, roleArn);
