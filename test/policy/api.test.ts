/** The public API: validatePolicy, compilePolicy cache, simulate positions, getContextKeys, trust helper. */
import { describe, expect, it } from 'vitest';
import {
  compilePolicy,
  contextFromEntries,
  evaluateTrustPolicy,
  getContextKeys,
  parsePolicy,
  POLICY_SIZE_QUOTAS,
  simulate,
  validatePolicy,
} from '../../src/policy/index.js';

const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::bucket/\${aws:username}/*"
    },
    {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
  ]
}`;

describe('validatePolicy', () => {
  it('returns the parsed policy', () => {
    const r = validatePolicy(POLICY, { kind: 'identity' });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.policy.statements).toHaveLength(2);
  });
  it('returns the error as data', () => {
    const r = validatePolicy('{}', { kind: 'identity' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('MalformedPolicyDocument');
  });
  it('enforces a size quota without counting white space', () => {
    const big = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: `arn:aws:s3:::${'x'.repeat(3000)}` } });
    expect(validatePolicy(big, { kind: 'identity', sizeQuota: POLICY_SIZE_QUOTAS.managedPolicy }).ok).toBe(true);
    const r = validatePolicy(big, { kind: 'trust', sizeQuota: POLICY_SIZE_QUOTAS.trustPolicy });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('Cannot exceed quota for PolicySize: 2048');
    expect(validatePolicy(`${' '.repeat(5000)}{"Statement":[]}`, { kind: 'identity', sizeQuota: 2048 }).ok).toBe(true);
  });
  it('records statement positions', () => {
    const p = parsePolicy(POLICY, { kind: 'identity' });
    expect(p.statements[0]?.start).toEqual({ line: 4, column: 5 });
    expect(p.statements[0]?.end).toEqual({ line: 9, column: 6 });
    expect(p.statements[1]?.start).toEqual({ line: 10, column: 5 });
  });
});

describe('compilePolicy', () => {
  it('reuses the compiled form for the same text, keeps per-use ids', () => {
    const a = compilePolicy(POLICY, { kind: 'identity', id: 'a' });
    const b = compilePolicy(POLICY, { kind: 'identity', id: 'b', sourceType: 'user' });
    expect(a.core).toBe(b.core);
    expect(b.id).toBe('b');
    expect(b.sourceType).toBe('user');
  });
  it('compiles a parsed policy', () => {
    const parsed = parsePolicy(POLICY, { kind: 'identity' });
    expect(compilePolicy(parsed, { kind: 'identity' }).core.statements).toHaveLength(2);
  });
});

describe('simulate', () => {
  it('reports decisions, statement positions and missing context values per action and resource', () => {
    const results = simulate({
      policyInputList: [POLICY],
      actionNames: ['s3:GetObject', 'iam:CreateUser'],
      resourceArns: ['arn:aws:s3:::bucket/alice/x'],
      contextEntries: [
        { ContextKeyName: 'aws:username', ContextKeyValues: ['alice'], ContextKeyType: 'string' },
      ],
    });
    expect(results).toHaveLength(2);
    expect(results[0]).toEqual({
      EvalActionName: 's3:GetObject',
      EvalResourceName: 'arn:aws:s3:::bucket/alice/x',
      EvalDecision: 'allowed',
      MatchedStatements: [
        { SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'none', StartPosition: { Line: 4, Column: 5 }, EndPosition: { Line: 9, Column: 6 } },
      ],
      MissingContextValues: ['aws:SecureTransport'],
    });
    expect(results[1]?.EvalDecision).toBe('implicitDeny');
  });
  it('explicit deny is reported with the deny statement', () => {
    const [r] = simulate({
      policyInputList: [{ document: POLICY, id: 'mine', sourceType: 'user' }],
      actionNames: ['s3:GetObject'],
      resourceArns: ['arn:aws:s3:::bucket/alice/x'],
      contextEntries: { 'aws:username': 'alice', 'aws:SecureTransport': false },
    });
    expect(r?.EvalDecision).toBe('explicitDeny');
    expect(r?.MatchedStatements[0]).toMatchObject({ SourcePolicyId: 'mine', SourcePolicyType: 'user', StartPosition: { Line: 10, Column: 5 } });
  });
  it('uses a resource policy with a caller ARN', () => {
    const rp = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:user/u' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] });
    const [r] = simulate({ policyInputList: [], resourcePolicy: rp, caller: 'arn:aws:iam::111122223333:user/u', actionNames: ['s3:GetObject'], resourceArns: ['arn:aws:s3:::b/k'], resourceOwner: 'arn:aws:iam::111122223333:root' });
    expect(r?.EvalDecision).toBe('allowed');
    expect(r?.MatchedStatements[0]?.SourcePolicyId).toBe('ResourcePolicy');
  });
  it('converts list context types to multivalued keys', () => {
    expect(contextFromEntries([
      { ContextKeyName: 'aws:TagKeys', ContextKeyValues: ['a', 'b'], ContextKeyType: 'stringList' },
      { ContextKeyName: 'aws:MultiFactorAuthAge', ContextKeyValues: ['30'], ContextKeyType: 'numeric' },
    ])).toEqual({ 'aws:TagKeys': ['a', 'b'], 'aws:MultiFactorAuthAge': '30' });
  });
  it('throws MalformedPolicyDocument for a bad input policy', () => {
    expect(() => simulate({ policyInputList: ['{'], actionNames: ['s3:GetObject'] })).toThrow(expect.objectContaining({ code: 'MalformedPolicyDocument' }));
  });
});

describe('getContextKeys', () => {
  it('returns distinct condition and variable keys in their original case', () => {
    const keys = getContextKeys([
      POLICY,
      JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEquals: { 'AWS:SecureTransport': 'x', 'aws:PrincipalTag/Team': '${aws:PrincipalTag/Owner}' } } } }),
    ]);
    expect(keys).toEqual(['aws:username', 'aws:SecureTransport', 'aws:PrincipalTag/Team', 'aws:PrincipalTag/Owner']);
  });
  it('ignores variables under Version 2008-10-17', () => {
    expect(getContextKeys([JSON.stringify({ Version: '2008-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::${aws:username}' } })])).toEqual([]);
  });
});

describe('evaluateTrustPolicy', () => {
  it('evaluates a role trust policy against a web identity', () => {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/issuer.example' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'issuer.example:aud': 'app' } } }],
    });
    const principal = { federatedProvider: 'arn:aws:iam::111122223333:oidc-provider/issuer.example', accountId: '111122223333' };
    const ok = evaluateTrustPolicy({ trustPolicy: trust, roleArn: 'arn:aws:iam::111122223333:role/r', principal, action: 'sts:AssumeRoleWithWebIdentity', context: { 'issuer.example:aud': 'app' } });
    expect(ok.decision).toBe('allowed');
    const no = evaluateTrustPolicy({ trustPolicy: trust, roleArn: 'arn:aws:iam::111122223333:role/r', principal, action: 'sts:AssumeRoleWithWebIdentity', context: { 'issuer.example:aud': 'other' } });
    expect(no.decision).toBe('implicitDeny');
  });
});
