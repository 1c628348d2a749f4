import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountSummaryCommand,
  GetContextKeysForPrincipalPolicyCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../../support/tessera.js';
import { iamClient } from '../../support/clients.js';

let t: TestTessera;
let iam: IAMClient;
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const TRUST = doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' });
let policyArn: string;
let boundaryArn: string;

beforeAll(async () => {
  t = await startTestTessera();
  iam = iamClient(t, t.root);
  await iam.send(new CreateUserCommand({ UserName: 'alice', Path: '/eng/', Tags: [{ Key: 'team', Value: 'infra' }] }));
  await iam.send(new CreateUserCommand({ UserName: 'bob' }));
  await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'alice' }));
  await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: TRUST }));
  policyArn = (await iam.send(new CreatePolicyCommand({ PolicyName: 'S3Read', PolicyDocument: doc({ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }) }))).Policy!.Arn!;
  await iam.send(new CreatePolicyVersionCommand({ PolicyArn: policyArn, PolicyDocument: doc({ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }), SetAsDefault: true }));
  boundaryArn = (await iam.send(new CreatePolicyCommand({ PolicyName: 'Boundary', PolicyDocument: doc({ Effect: 'Allow', Action: ['s3:*', 'ec2:Describe*'], Resource: '*' }) }))).Policy!.Arn!;
  await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: policyArn }));
  await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'ec2', PolicyDocument: doc({ Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }) }));
  await iam.send(new PutGroupPolicyCommand({ GroupName: 'devs', PolicyName: 'deny-delete', PolicyDocument: doc({ Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }) }));
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' }));
  await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'alice', PermissionsBoundary: boundaryArn }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: policyArn }));
  await iam.send(new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'sqs', PolicyDocument: doc({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }) }));
  await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://oidc.example.com' }));
});
afterAll(async () => {
  await t?.stop();
});

describe('GetAccountSummary', () => {
  it('counts entities and reports IAM quotas with AWS key names', async () => {
    const out = await iam.send(new GetAccountSummaryCommand({}));
    expect(out.SummaryMap).toMatchObject({
      Users: 2,
      UsersQuota: 5000,
      Groups: 1,
      GroupsQuota: 300,
      Roles: 1,
      RolesQuota: 1000,
      Policies: 2,
      PoliciesQuota: 1500,
      AccessKeysPerUserQuota: 2,
      MFADevices: 0,
      MFADevicesInUse: 0,
      AccountMFAEnabled: 0,
      AccountAccessKeysPresent: 1,
      Providers: 1,
      VersionsPerPolicyQuota: 5,
      AttachedPoliciesPerUserQuota: 10,
    });
  });
});

describe('GetAccountAuthorizationDetails', () => {
  it('returns users, groups, roles and policies with their relationships, documents URL-encoded', async () => {
    const out = await iam.send(new GetAccountAuthorizationDetailsCommand({}));
    const alice = out.UserDetailList!.find((u) => u.UserName === 'alice')!;
    expect(alice).toMatchObject({
      Path: '/eng/',
      Arn: `arn:aws:iam::${t.accountId}:user/eng/alice`,
      GroupList: ['devs'],
      AttachedManagedPolicies: [{ PolicyName: 'S3Read', PolicyArn: policyArn }],
      PermissionsBoundary: { PermissionsBoundaryArn: boundaryArn },
      Tags: [{ Key: 'team', Value: 'infra' }],
    });
    expect(alice.UserId).toMatch(/^AIDA/);
    expect(alice.UserPolicyList![0]!.PolicyName).toBe('ec2');
    expect(JSON.parse(decodeURIComponent(alice.UserPolicyList![0]!.PolicyDocument!)).Statement[0].Action).toBe('ec2:*');
    const devs = out.GroupDetailList!.find((g) => g.GroupName === 'devs')!;
    expect(devs.GroupPolicyList!.map((p) => p.PolicyName)).toEqual(['deny-delete']);
    expect(devs.AttachedManagedPolicies).toEqual([{ PolicyName: 'IAMReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' }]);
    const role = out.RoleDetailList![0]!;
    expect(role.RoleName).toBe('app');
    expect(JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!))).toEqual(JSON.parse(TRUST));
    expect(role.RolePolicyList!.map((p) => p.PolicyName)).toEqual(['sqs']);
    expect(role.InstanceProfileList).toEqual([]);
    const s3 = out.Policies!.find((p) => p.PolicyName === 'S3Read')!;
    expect(s3).toMatchObject({ DefaultVersionId: 'v2', AttachmentCount: 2, IsAttachable: true });
    expect(s3.PolicyVersionList!.map((v) => [v.VersionId, v.IsDefaultVersion])).toEqual([['v2', true], ['v1', false]]);
    expect(out.Policies!.find((p) => p.PolicyName === 'Boundary')!.PermissionsBoundaryUsageCount).toBe(1);
    // AWS managed policies appear only when used; unattached ones don't.
    expect(out.Policies!.map((p) => p.PolicyName)).toContain('IAMReadOnlyAccess');
    expect(out.Policies!.map((p) => p.PolicyName)).not.toContain('AdministratorAccess');
    expect(out.IsTruncated).toBe(false);
  });

  it('filters and paginates', async () => {
    const roles = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'] }));
    expect(roles.UserDetailList ?? []).toEqual([]);
    expect(roles.RoleDetailList).toHaveLength(1);
    const local = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['LocalManagedPolicy'] }));
    expect(local.Policies!.map((p) => p.PolicyName).sort()).toEqual(['Boundary', 'S3Read']);
    const seen: string[] = [];
    let Marker: string | undefined;
    let pages = 0;
    do {
      const out = await iam.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 2, ...(Marker ? { Marker } : {}) }));
      pages++;
      for (const u of out.UserDetailList ?? []) seen.push(`user:${u.UserName}`);
      for (const g of out.GroupDetailList ?? []) seen.push(`group:${g.GroupName}`);
      for (const r of out.RoleDetailList ?? []) seen.push(`role:${r.RoleName}`);
      for (const p of out.Policies ?? []) seen.push(`policy:${p.PolicyName}`);
      Marker = out.IsTruncated ? out.Marker : undefined;
    } while (Marker);
    expect(seen).toEqual(['user:alice', 'user:bob', 'group:devs', 'role:app', 'policy:Boundary', 'policy:S3Read', 'policy:IAMReadOnlyAccess']);
    expect(pages).toBe(4);
    const bad = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Nope' as 'User'] })).catch((e) => e);
    expect(bad.name).toBe('ValidationError');
  });

  it('pages across kinds under a Filter by a keyset Marker; a forged Marker is InvalidInput', async () => {
    const seen: string[] = [];
    let Marker: string | undefined;
    do {
      const out = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['User', 'AWSManagedPolicy'], MaxItems: 1, ...(Marker ? { Marker } : {}) }));
      expect((out.UserDetailList ?? []).length + (out.Policies ?? []).length).toBe(1);
      for (const u of out.UserDetailList ?? []) seen.push(`user:${u.UserName}`);
      for (const p of out.Policies ?? []) seen.push(`policy:${p.PolicyName}`);
      Marker = out.IsTruncated ? out.Marker : undefined;
    } while (Marker);
    expect(seen).toEqual(['user:alice', 'user:bob', 'policy:IAMReadOnlyAccess']);
    const forged = await iam.send(new GetAccountAuthorizationDetailsCommand({ Marker: Buffer.from('everything/0').toString('base64url') })).catch((e) => e);
    expect(forged.name).toBe('InvalidInputException');
  });
});

describe('SimulatePrincipalPolicy / GetContextKeysForPrincipalPolicy', () => {
  const aliceArn = () => `arn:aws:iam::${t.accountId}:user/eng/alice`;

  it("uses the user's own, group and managed policies and its permissions boundary", async () => {
    const out = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: aliceArn(),
        ActionNames: ['s3:GetObject', 's3:ListBucket', 's3:DeleteBucket', 'iam:ListUsers', 'ec2:RunInstances', 'ec2:DescribeInstances', 's3:PutObject'],
        ContextEntries: [{ ContextKeyName: 'aws:RequestedRegion', ContextKeyType: 'string', ContextKeyValues: ['eu-west-1'] }],
      }),
    );
    const d = Object.fromEntries(out.EvaluationResults!.map((r) => [r.EvalActionName, r.EvalDecision]));
    expect(d).toEqual({
      's3:GetObject': 'allowed', // managed policy v2 (default), inside the boundary
      's3:ListBucket': 'allowed',
      's3:DeleteBucket': 'explicitDeny', // group inline deny
      'iam:ListUsers': 'implicitDeny', // group's AWS managed policy allows, but the boundary does not
      'ec2:RunInstances': 'implicitDeny', // inline allows (region matches), boundary does not
      'ec2:DescribeInstances': 'allowed',
      's3:PutObject': 'implicitDeny',
    });
    const get = out.EvaluationResults!.find((r) => r.EvalActionName === 's3:GetObject')!;
    expect(get.MatchedStatements!.map((m) => [m.SourcePolicyId, m.SourcePolicyType])).toContainEqual(['S3Read', 'user-managed']);
    const del = out.EvaluationResults!.find((r) => r.EvalActionName === 's3:DeleteBucket')!;
    expect(del.MatchedStatements!.map((m) => [m.SourcePolicyId, m.SourcePolicyType])).toEqual([['deny-delete', 'group']]);
  });

  it('PolicyInputList adds to the stored policies; a given boundary replaces the stored one', async () => {
    const out = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: aliceArn(),
        PolicyInputList: [doc({ Effect: 'Allow', Action: 'sqs:*', Resource: '*' })],
        PermissionsBoundaryPolicyInputList: [doc({ Effect: 'Allow', Action: ['sqs:*', 'iam:*'], Resource: '*' })],
        ActionNames: ['sqs:SendMessage', 'iam:ListUsers', 's3:GetObject'],
      }),
    );
    expect(out.EvaluationResults!.map((r) => [r.EvalDecision, r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary])).toEqual([
      ['allowed', true],
      ['allowed', true],
      ['implicitDeny', false],
    ]);
  });

  it('roles and groups; unknown principals are NoSuchEntity, bad ARNs InvalidInput', async () => {
    const role = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${t.accountId}:role/app`, ActionNames: ['sqs:SendMessage', 's3:ListBucket', 'ec2:RunInstances'] }));
    expect(role.EvaluationResults!.map((r) => r.EvalDecision)).toEqual(['allowed', 'allowed', 'implicitDeny']);
    const group = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${t.accountId}:group/devs`, ActionNames: ['iam:GetUser', 's3:DeleteBucket'] }));
    expect(group.EvaluationResults!.map((r) => r.EvalDecision)).toEqual(['allowed', 'explicitDeny']);
    const missing = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${t.accountId}:user/nobody`, ActionNames: ['s3:GetObject'] })).catch((e) => e);
    expect(missing.name).toBe('NoSuchEntityException');
    const wrongPath = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${t.accountId}:user/alice`, ActionNames: ['s3:GetObject'] })).catch((e) => e);
    expect(wrongPath.name).toBe('NoSuchEntityException');
    const bad = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: 'arn:aws:s3:::not-a-principal', ActionNames: ['s3:GetObject'] })).catch((e) => e);
    expect(bad.name).toBe('InvalidInputException');
  });

  it('GetContextKeysForPrincipalPolicy', async () => {
    const out = await iam.send(
      new GetContextKeysForPrincipalPolicyCommand({
        PolicySourceArn: aliceArn(),
        PolicyInputList: [doc({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })],
      }),
    );
    expect(out.ContextKeyNames).toEqual(['aws:RequestedRegion', 'aws:SourceIp']);
  });
});
