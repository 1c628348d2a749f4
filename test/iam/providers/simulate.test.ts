import { describe, expect, it } from 'vitest';
import {
  GetContextKeysForCustomPolicyCommand,
  IAMClient,
  SimulateCustomPolicyCommand,
  type ContextEntry,
} from '@aws-sdk/client-iam';
import { useTessera, type TestTessera } from '../../support/tessera.js';
import { simulate } from '../../../src/policy/index.js';
import { iamClient } from '../../support/clients.js';

let t: TestTessera;
let iam: IAMClient;
useTessera((started) => {
  t = started;
  iam = iamClient(t, t.root);
});

const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);
const allow = (Action: string | string[], Resource: string | string[] = '*', Condition?: object) => ({ Effect: 'Allow', Action, Resource, ...(Condition ? { Condition } : {}) });
const deny = (Action: string | string[], Resource: string | string[] = '*', Condition?: object) => ({ Effect: 'Deny', Action, Resource, ...(Condition ? { Condition } : {}) });

const P = {
  s3Read: doc(allow(['s3:Get*', 's3:List*'], 'arn:aws:s3:::bucket/*')),
  s3All: doc(allow('s3:*')),
  denyDelete: doc(deny('s3:DeleteObject')),
  notIam: doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }),
  ip: doc(allow('ec2:*', '*', { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } })),
  mfa: doc(allow('iam:DeleteUser', '*', { Bool: { 'aws:MultiFactorAuthPresent': 'true' } })),
  tag: doc(allow('s3:GetObject', '*', { StringEquals: { 'aws:PrincipalTag/team': 'infra' } })),
  num: doc(allow('sts:AssumeRole', '*', { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } })),
  date: doc(allow('s3:PutObject', '*', { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } })),
  home: doc(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*')),
  tagKeys: doc(allow('ec2:RunInstances', '*', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } })),
  acl: doc(allow('s3:Get*Acl')),
  prefix: doc(allow('s3:ListBucket', '*', { StringLike: { 's3:prefix': 'home/*' } })),
  regionDeny: doc(deny('*', '*', { StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } })),
  notSecret: doc({ Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::secret/*' }),
  boundaryS3: doc(allow('s3:*')),
  boundaryNoBucketDelete: doc(allow('*'), deny('s3:DeleteBucket')),
};

const ctx = (name: string, type: string, ...values: string[]): ContextEntry => ({ ContextKeyName: name, ContextKeyType: type as ContextEntry['ContextKeyType'], ContextKeyValues: values });

interface Case {
  name: string;
  policies: string[];
  boundaries?: string[];
  action: string;
  resource?: string;
  context?: ContextEntry[];
  expect: 'allowed' | 'explicitDeny' | 'implicitDeny';
}

const CASES: Case[] = [
  { name: 'prefix wildcard action allows', policies: [P.s3Read], action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key', expect: 'allowed' },
  { name: 'action not listed', policies: [P.s3Read], action: 's3:PutObject', resource: 'arn:aws:s3:::bucket/key', expect: 'implicitDeny' },
  { name: 'resource does not match', policies: [P.s3Read], action: 's3:ListBucket', resource: 'arn:aws:s3:::other', expect: 'implicitDeny' },
  { name: 'deny overrides allow', policies: [P.s3All, P.denyDelete], action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/k', expect: 'explicitDeny' },
  { name: 'deny of another action leaves allow', policies: [P.s3All, P.denyDelete], action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'allowed' },
  { name: 'NotAction excludes iam', policies: [P.notIam], action: 'iam:CreateUser', expect: 'implicitDeny' },
  { name: 'NotAction allows s3', policies: [P.notIam], action: 's3:GetObject', expect: 'allowed' },
  { name: 'NotAction allows ec2', policies: [P.notIam], action: 'ec2:RunInstances', expect: 'allowed' },
  { name: 'IpAddress in range', policies: [P.ip], action: 'ec2:DescribeInstances', context: [ctx('aws:SourceIp', 'ip', '10.1.2.3')], expect: 'allowed' },
  { name: 'IpAddress out of range', policies: [P.ip], action: 'ec2:DescribeInstances', context: [ctx('aws:SourceIp', 'ip', '192.168.1.1')], expect: 'implicitDeny' },
  { name: 'IpAddress missing context', policies: [P.ip], action: 'ec2:DescribeInstances', expect: 'implicitDeny' },
  { name: 'Bool true', policies: [P.mfa], action: 'iam:DeleteUser', context: [ctx('aws:MultiFactorAuthPresent', 'boolean', 'true')], expect: 'allowed' },
  { name: 'Bool false', policies: [P.mfa], action: 'iam:DeleteUser', context: [ctx('aws:MultiFactorAuthPresent', 'boolean', 'false')], expect: 'implicitDeny' },
  { name: 'PrincipalTag matches', policies: [P.tag], action: 's3:GetObject', context: [ctx('aws:PrincipalTag/team', 'string', 'infra')], expect: 'allowed' },
  { name: 'PrincipalTag differs', policies: [P.tag], action: 's3:GetObject', context: [ctx('aws:PrincipalTag/team', 'string', 'dev')], expect: 'implicitDeny' },
  { name: 'NumericLessThan true', policies: [P.num], action: 'sts:AssumeRole', context: [ctx('aws:MultiFactorAuthAge', 'numeric', '100')], expect: 'allowed' },
  { name: 'NumericLessThan false', policies: [P.num], action: 'sts:AssumeRole', context: [ctx('aws:MultiFactorAuthAge', 'numeric', '7200')], expect: 'implicitDeny' },
  { name: 'DateLessThan before', policies: [P.date], action: 's3:PutObject', context: [ctx('aws:CurrentTime', 'date', '2026-01-01T00:00:00Z')], expect: 'allowed' },
  { name: 'DateLessThan after', policies: [P.date], action: 's3:PutObject', context: [ctx('aws:CurrentTime', 'date', '2031-01-01T00:00:00Z')], expect: 'implicitDeny' },
  { name: 'policy variable matches', policies: [P.home], action: 's3:GetObject', resource: 'arn:aws:s3:::home/alice/x', context: [ctx('aws:username', 'string', 'alice')], expect: 'allowed' },
  { name: 'policy variable other user', policies: [P.home], action: 's3:GetObject', resource: 'arn:aws:s3:::home/bob/x', context: [ctx('aws:username', 'string', 'alice')], expect: 'implicitDeny' },
  { name: 'ForAllValues subset', policies: [P.tagKeys], action: 'ec2:RunInstances', context: [ctx('aws:TagKeys', 'stringList', 'a')], expect: 'allowed' },
  { name: 'ForAllValues not subset', policies: [P.tagKeys], action: 'ec2:RunInstances', context: [ctx('aws:TagKeys', 'stringList', 'a', 'c')], expect: 'implicitDeny' },
  { name: 'boundary allows', policies: [P.s3All], boundaries: [P.boundaryS3], action: 's3:GetObject', expect: 'allowed' },
  { name: 'boundary limits', policies: [P.notIam], boundaries: [P.boundaryS3], action: 'ec2:RunInstances', expect: 'implicitDeny' },
  { name: 'boundary explicit deny', policies: [P.s3All], boundaries: [P.boundaryNoBucketDelete], action: 's3:DeleteBucket', resource: 'arn:aws:s3:::b', expect: 'explicitDeny' },
  { name: 'mid-wildcard action matches', policies: [P.acl], action: 's3:GetObjectAcl', expect: 'allowed' },
  { name: 'mid-wildcard action does not match', policies: [P.acl], action: 's3:GetObject', expect: 'implicitDeny' },
  { name: 'StringLike service key', policies: [P.prefix], action: 's3:ListBucket', context: [ctx('s3:prefix', 'string', 'home/x')], expect: 'allowed' },
  { name: 'conditional deny applies', policies: [P.s3All, P.regionDeny], action: 's3:GetObject', context: [ctx('aws:RequestedRegion', 'string', 'eu-west-1')], expect: 'explicitDeny' },
  { name: 'conditional deny does not apply', policies: [P.s3All, P.regionDeny], action: 's3:GetObject', context: [ctx('aws:RequestedRegion', 'string', 'us-east-1')], expect: 'allowed' },
  { name: 'action names are case-insensitive', policies: [P.s3Read], action: 'S3:getobject', resource: 'arn:aws:s3:::bucket/k', expect: 'allowed' },
  { name: 'NotResource excludes', policies: [P.notSecret], action: 's3:GetObject', resource: 'arn:aws:s3:::secret/x', expect: 'implicitDeny' },
  { name: 'NotResource allows others', policies: [P.notSecret], action: 's3:GetObject', resource: 'arn:aws:s3:::public/x', expect: 'allowed' },
  { name: 'no policies allow iam with s3 only', policies: [P.s3All], action: 'iam:ListUsers', expect: 'implicitDeny' },
];

describe('SimulateCustomPolicy through @aws-sdk/client-iam matches the in-process evaluator', () => {
  it(`${CASES.length} policy × action × resource × context combinations`, async () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    const mismatches: string[] = [];
    await Promise.all(
      CASES.map(async (c) => {
        const out = await iam.send(
          new SimulateCustomPolicyCommand({
            PolicyInputList: c.policies,
            ...(c.boundaries ? { PermissionsBoundaryPolicyInputList: c.boundaries } : {}),
            ActionNames: [c.action],
            ...(c.resource ? { ResourceArns: [c.resource] } : {}),
            ...(c.context ? { ContextEntries: c.context } : {}),
          }),
        );
        const local = simulate({
          policyInputList: c.policies,
          ...(c.boundaries ? { permissionsBoundaryPolicyInputList: c.boundaries } : {}),
          actionNames: [c.action],
          ...(c.resource ? { resourceArns: [c.resource] } : {}),
          ...(c.context ? { contextEntries: c.context.map((e) => ({ ContextKeyName: e.ContextKeyName!, ContextKeyType: e.ContextKeyType!, ContextKeyValues: e.ContextKeyValues! })) } : {}),
        });
        const remote = out.EvaluationResults ?? [];
        expect(remote).toHaveLength(1);
        const r = remote[0]!;
        const l = local[0]!;
        const got = {
          decision: r.EvalDecision,
          action: r.EvalActionName,
          resource: r.EvalResourceName,
          matched: (r.MatchedStatements ?? []).map((m) => [m.SourcePolicyId, m.SourcePolicyType, m.StartPosition?.Line, m.StartPosition?.Column, m.EndPosition?.Line, m.EndPosition?.Column]),
          missing: r.MissingContextValues ?? [],
        };
        const want = {
          decision: l.EvalDecision,
          action: l.EvalActionName,
          resource: l.EvalResourceName,
          matched: l.MatchedStatements.map((m) => [m.SourcePolicyId, m.SourcePolicyType, m.StartPosition.Line, m.StartPosition.Column, m.EndPosition.Line, m.EndPosition.Column]),
          missing: [...l.MissingContextValues],
        };
        if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${c.name}: api ${JSON.stringify(got)} != engine ${JSON.stringify(want)}`);
        if (got.decision !== c.expect) mismatches.push(`${c.name}: expected ${c.expect}, got ${got.decision}`);
      }),
    );
    expect(mismatches).toEqual([]);
  });

  it('reports matched statements with positions, missing context values and the boundary detail', async () => {
    const out = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [P.s3All, P.denyDelete], ActionNames: ['s3:DeleteObject'] }));
    expect(out.EvaluationResults![0]).toMatchObject({
      EvalActionName: 's3:DeleteObject',
      EvalResourceName: '*',
      EvalDecision: 'explicitDeny',
      MatchedStatements: [{ SourcePolicyId: 'PolicyInputList.2', SourcePolicyType: 'none', StartPosition: { Line: 4, Column: 5 } }],
    });
    const missing = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [P.ip], ActionNames: ['ec2:RunInstances'] }));
    expect(missing.EvaluationResults![0]!.MissingContextValues).toEqual(['aws:SourceIp']);
    const b = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [P.notIam], PermissionsBoundaryPolicyInputList: [P.boundaryS3], ActionNames: ['ec2:RunInstances', 's3:GetObject'] }));
    expect(b.EvaluationResults!.map((r) => [r.EvalDecision, r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary])).toEqual([
      ['implicitDeny', false],
      ['allowed', true],
    ]);
  });

  it('answers one result per action (the most restrictive decision), each resource in ResourceSpecificResults, paginated by action', async () => {
    // API_EvaluationResult: "The simulator now returns a single EvaluationResult per action, regardless of how many
    // resource ARNs are provided … To see the decision for each individual resource, use ResourceSpecificResults."
    const input = { PolicyInputList: [P.s3Read], ActionNames: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'], ResourceArns: ['arn:aws:s3:::bucket/a', 'arn:aws:s3:::other'] };
    const p1 = await iam.send(new SimulateCustomPolicyCommand({ ...input, MaxItems: 2 }));
    expect(p1.EvaluationResults).toHaveLength(2);
    expect(p1.IsTruncated).toBe(true);
    const p2 = await iam.send(new SimulateCustomPolicyCommand({ ...input, MaxItems: 2, Marker: p1.Marker }));
    expect(p2.EvaluationResults).toHaveLength(1);
    expect(p2.IsTruncated).toBe(false);
    const results = [...p1.EvaluationResults!, ...p2.EvaluationResults!];
    expect(results.map((r) => `${r.EvalActionName} ${r.EvalDecision}`)).toEqual(['s3:GetObject implicitDeny', 's3:PutObject implicitDeny', 's3:ListBucket implicitDeny']);
    const per = results.flatMap((r) => r.ResourceSpecificResults!.map((x) => `${r.EvalActionName} ${x.EvalResourceName} ${x.EvalResourceDecision}`));
    expect(per).toEqual([
      's3:GetObject arn:aws:s3:::bucket/a allowed',
      's3:GetObject arn:aws:s3:::other implicitDeny',
      's3:PutObject arn:aws:s3:::bucket/a implicitDeny',
      's3:PutObject arn:aws:s3:::other implicitDeny',
      's3:ListBucket arn:aws:s3:::bucket/a allowed',
      's3:ListBucket arn:aws:s3:::other implicitDeny',
    ]);
    expect(results[0]!.ResourceSpecificResults![0]!.MatchedStatements).toHaveLength(1);
    const single = await iam.send(new SimulateCustomPolicyCommand({ ...input, ResourceArns: ['arn:aws:s3:::bucket/a'] }));
    expect(single.EvaluationResults!.map((r) => `${r.EvalResourceName} ${r.EvalDecision}`)).toEqual([
      'arn:aws:s3:::bucket/a allowed',
      'arn:aws:s3:::bucket/a implicitDeny',
      'arn:aws:s3:::bucket/a allowed',
    ]);
  });

  it('bad inputs: MalformedPolicyDocument, InvalidInput for context values, ValidationError for types', async () => {
    const bad = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: ['{"Statement": ['], ActionNames: ['s3:GetObject'] })).catch((e) => e);
    expect(bad.name).toBe('MalformedPolicyDocumentException');
    expect(bad.$metadata.httpStatusCode).toBe(400);
    const principal = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [doc({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' })], ActionNames: ['s3:GetObject'] })).catch((e) => e);
    expect(principal.name).toBe('MalformedPolicyDocumentException');
    const num = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [P.num], ActionNames: ['sts:AssumeRole'], ContextEntries: [ctx('aws:MultiFactorAuthAge', 'numeric', 'abc')] })).catch((e) => e);
    expect(num.name).toBe('InvalidInputException');
    const ip = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [P.ip], ActionNames: ['ec2:X'], ContextEntries: [ctx('aws:SourceIp', 'ip', '300.1.1.1')] })).catch((e) => e);
    expect(ip.name).toBe('InvalidInputException');
    const type = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [P.ip], ActionNames: ['ec2:X'], ContextEntries: [ctx('aws:SourceIp', 'ipAddress', '1.1.1.1')] })).catch((e) => e);
    expect(type.name).toBe('ValidationError');
    const noActions = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [P.ip], ActionNames: undefined as unknown as string[] })).catch((e) => e);
    expect(noActions.name).toBe('ValidationError');
  });

  it('GetContextKeysForCustomPolicy lists condition keys and policy variables once', async () => {
    const out = await iam.send(new GetContextKeysForCustomPolicyCommand({ PolicyInputList: [P.ip, P.home, P.regionDeny, doc(allow('ec2:*', '*', { IpAddress: { 'AWS:SourceIp': '1.0.0.0/8' } }))] }));
    expect(out.ContextKeyNames).toEqual(['aws:SourceIp', 'aws:username', 'aws:RequestedRegion']);
    const bad = await iam.send(new GetContextKeysForCustomPolicyCommand({ PolicyInputList: ['nope'] })).catch((e) => e);
    expect(bad.name).toBe('MalformedPolicyDocumentException');
  });
});
