import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetPolicyVersionCommand, GetRoleCommand, IAMClient, ListAttachedUserPoliciesCommand, ListGroupsForUserCommand, ListUserPoliciesCommand, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { startTestTessera, type TestTessera } from '../../support/tessera.js';
import { applySpec, parseApplyFile, ApplyError, type ApplySpec } from '../../../src/iam/gitops/apply.js';
import { idpMetadata, makeCert } from './saml-fixture.js';
import { iamClient } from '../../support/clients.js';

let t: TestTessera;
let iam: IAMClient;
let cert: string;
beforeAll(async () => {
  [t, cert] = await Promise.all([startTestTessera(), makeCert('gitops-idp')]);
  iam = iamClient(t, t.root);
});
afterAll(async () => {
  await t?.stop();
});

const spec = (): ApplySpec => ({
  policies: [{ name: 'ReadS3', path: '/team/', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }] } }],
  groups: [{ name: 'devs', policies: ['ReadS3'], inlinePolicies: { sqs: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] } } }],
  roles: [
    {
      name: 'ci',
      description: 'CI jobs',
      trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${t.accountId}:oidc-provider/token.actions.githubusercontent.com` }, Action: 'sts:AssumeRoleWithWebIdentity' }] },
      policies: ['ReadS3'],
    },
  ],
  users: [{ name: 'alice', path: '/eng/', groups: ['devs'], policies: ['arn:aws:iam::aws:policy/IAMReadOnlyAccess'], inlinePolicies: { self: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}' }, tags: { team: 'infra' } }],
  oidcProviders: [{ url: 'https://token.actions.githubusercontent.com', clientIds: ['sts.amazonaws.com'] }],
  samlProviders: [{ name: 'corp', metadata: idpMetadata({ entityId: 'https://idp.corp', cert }) }],
});

describe('tessera apply (src/iam/gitops/apply.ts)', () => {
  it('trust policies may name users and roles of the same spec (they are bound when saved, so they are created first)', async () => {
    const ACCT = t.accountId;
    const trust = (aws: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: aws }, Action: 'sts:AssumeRole' }] });
    const s: ApplySpec = {
      roles: [
        { name: 'chained', trustPolicy: trust(`arn:aws:iam::${ACCT}:role/entry`) },
        { name: 'entry', trustPolicy: trust(`arn:aws:iam::${ACCT}:user/operator`) },
      ],
      users: [{ name: 'operator' }],
    };
    const first = await applySpec(t.services, s);
    expect(first.map((c) => `${c.kind}:${c.name}:${c.action}`)).toEqual(['user:operator:created', 'role:entry:created', 'role:chained:created']);
    const again = await applySpec(t.services, s);
    expect(again.map((c) => c.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });

  it('creates everything, then is idempotent, then converges changes', async () => {
    const first = await applySpec(t.services, spec());
    expect(first.map((c) => `${c.kind}:${c.name}:${c.action}`)).toEqual([
      'policy:ReadS3:created',
      'group:devs:created',
      'user:alice:created',
      'role:ci:created',
      'oidc-provider:https://token.actions.githubusercontent.com:created',
      'saml-provider:corp:created',
    ]);
    const ACCT = t.accountId;
    expect((await iam.send(new ListGroupsForUserCommand({ UserName: 'alice' }))).Groups!.map((g) => g.GroupName)).toEqual(['devs']);
    expect((await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'alice' }))).AttachedPolicies!.map((p) => p.PolicyArn)).toEqual(['arn:aws:iam::aws:policy/IAMReadOnlyAccess']);
    expect((await iam.send(new GetRoleCommand({ RoleName: 'ci' }))).Role!.Description).toBe('CI jobs');
    const sim = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${ACCT}:user/eng/alice`, ActionNames: ['s3:GetObject', 'sqs:SendMessage', 'iam:ListUsers', 'ec2:RunInstances'] }));
    expect(sim.EvaluationResults!.map((r) => r.EvalDecision)).toEqual(['allowed', 'allowed', 'allowed', 'implicitDeny']);

    const second = await applySpec(t.services, spec());
    expect(second.every((c) => c.action === 'unchanged')).toBe(true);

    const changed = spec();
    changed.policies![0]!.document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }] };
    changed.users![0]!.policies = [];
    changed.users![0]!.inlinePolicies = {};
    changed.oidcProviders![0]!.clientIds = ['sts.amazonaws.com', 'other'];
    const third = await applySpec(t.services, changed);
    expect(third.filter((c) => c.action !== 'unchanged').map((c) => [c.kind, c.details])).toEqual([
      ['policy', ['new default version v2']],
      ['user', ['detached arn:aws:iam::aws:policy/IAMReadOnlyAccess', 'deleted inline policy self']],
      ['oidc-provider', ['added client id other']],
    ]);
    const v2 = await iam.send(new GetPolicyVersionCommand({ PolicyArn: `arn:aws:iam::${ACCT}:policy/team/ReadS3`, VersionId: 'v2' }));
    expect(v2.PolicyVersion!.IsDefaultVersion).toBe(true);
    expect((await iam.send(new ListUserPoliciesCommand({ UserName: 'alice' }))).PolicyNames).toEqual([]);
  });

  it('reports bad input with the IAM error, and rejects malformed files', async () => {
    await expect(applySpec(t.services, { policies: [{ name: 'Bad', document: '{"Statement": 1}' }] })).rejects.toThrow(/policy Bad: MalformedPolicyDocument/);
    expect(() => parseApplyFile('{')).toThrow(ApplyError);
    expect(() => parseApplyFile('{"robots": []}')).toThrow(/unknown top-level key "robots"/);
    expect(() => parseApplyFile('{"users": [{}]}')).toThrow(/users\[0\]\.name is required/);
  });
});
