/**
 * `resourcePolicyMode`: resource policies that must allow (role trust policies, key policies) are
 * an exception to the same-account union of identity and resource policies.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_compare-resource-policies.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 * The case corpus (test/cases/policy/trust-must-allow.json) covers the trust-policy decisions;
 * this file covers the option itself, its defaults and the other entry points.
 */
import { describe, expect, it } from 'vitest';
import { compilePolicy, evaluate, evaluateTrustPolicy, simulate } from '../../src/policy/index.js';

const A = '111122223333';
const ALICE = `arn:aws:iam::${A}:user/alice`;
const ROLE = `arn:aws:iam::${A}:role/target`;
const KEY = `arn:aws:kms:us-east-1:${A}:key/1234`;
const principal = { arn: ALICE, accountId: A };
const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

const identityAllowsAll = compilePolicy(doc({ Effect: 'Allow', Action: '*', Resource: '*' }), { kind: 'identity', id: 'id' });
const externalIdTrust = doc({ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'x' } } });
const keyPolicyText = doc({ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Decrypt', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } });

describe('resourcePolicyMode', () => {
  it('defaults to must-allow for a trust policy: an identity allow does not make up for a failing trust condition', () => {
    const trust = compilePolicy(externalIdTrust, { kind: 'trust', id: 'trust' });
    const r = evaluate({ request: { principal, action: 'sts:AssumeRole', resource: ROLE }, identityPolicies: [identityAllowsAll], resourcePolicy: trust });
    expect(r).toMatchObject({ decision: 'implicitDeny', reason: 'resource-policy-missing-allow', matchedStatements: [] });
    const ok = evaluate({ request: { principal, action: 'sts:AssumeRole', resource: ROLE, context: { 'sts:ExternalId': 'x' } }, identityPolicies: [identityAllowsAll], resourcePolicy: trust });
    expect(ok).toMatchObject({ decision: 'allowed', reason: 'allowed-by-resource-policy' });
  });

  it('defaults to union for an ordinary resource policy', () => {
    const key = compilePolicy(keyPolicyText, { kind: 'resource', id: 'key' });
    const r = evaluate({ request: { principal, action: 'kms:Decrypt', resource: KEY, context: { 'aws:SecureTransport': false } }, identityPolicies: [identityAllowsAll], resourcePolicy: key });
    expect(r.decision).toBe('allowed');
  });

  it('must-allow can be asked for any resource policy (a KMS key policy)', () => {
    const key = compilePolicy(keyPolicyText, { kind: 'resource', id: 'key' });
    const input = { identityPolicies: [identityAllowsAll], resourcePolicy: key, resourcePolicyMode: 'must-allow' as const };
    expect(evaluate({ ...input, request: { principal, action: 'kms:Decrypt', resource: KEY, context: { 'aws:SecureTransport': false } } }).decision).toBe('implicitDeny');
    expect(evaluate({ ...input, request: { principal, action: 'kms:Encrypt', resource: KEY, context: { 'aws:SecureTransport': true } } }).decision).toBe('implicitDeny');
    expect(evaluate({ ...input, request: { principal, action: 'kms:Decrypt', resource: KEY, context: { 'aws:SecureTransport': true } } }).decision).toBe('allowed');
  });

  it('must-allow without a resource policy allows nothing, not even to the account root', () => {
    const root = { arn: `arn:aws:iam::${A}:root`, accountId: A };
    expect(evaluate({ request: { principal, action: 'kms:Decrypt', resource: KEY }, identityPolicies: [identityAllowsAll], resourcePolicyMode: 'must-allow' }).decision).toBe('implicitDeny');
    expect(evaluate({ request: { principal: root, action: 'kms:Decrypt', resource: KEY }, resourcePolicyMode: 'must-allow' }).decision).toBe('implicitDeny');
    const trust = compilePolicy(doc({ Effect: 'Allow', Principal: { AWS: A }, Action: 'sts:AssumeRole' }), { kind: 'trust', id: 't' });
    expect(evaluate({ request: { principal: root, action: 'sts:AssumeRole', resource: ROLE }, resourcePolicy: trust }).decision).toBe('allowed');
  });

  it('evaluateTrustPolicy is must-allow even for a policy compiled as another kind', () => {
    const asResource = compilePolicy(
      doc({ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'sts:AssumeRole', Resource: '*', Condition: { StringEquals: { 'sts:ExternalId': 'x' } } }),
      { kind: 'resource', id: 'r' },
    );
    const r = evaluateTrustPolicy({ trustPolicy: asResource, roleArn: ROLE, principal, identityPolicies: [identityAllowsAll] });
    expect(r.decision).toBe('implicitDeny');
    expect(evaluateTrustPolicy({ trustPolicy: externalIdTrust, roleArn: ROLE, principal, identityPolicies: [identityAllowsAll], context: { 'sts:ExternalId': 'x' } }).decision).toBe('allowed');
  });

  it('an explicit union overrides the trust default (for callers that want the plain resource-policy reading)', () => {
    const trust = compilePolicy(externalIdTrust, { kind: 'trust', id: 'trust' });
    const r = evaluate({ request: { principal, action: 'sts:AssumeRole', resource: ROLE }, identityPolicies: [identityAllowsAll], resourcePolicy: trust, resourcePolicyMode: 'union' });
    expect(r.decision).toBe('allowed');
  });

  it('simulate keeps its ResourcePolicy a plain resource-based policy (SimulateCustomPolicy: "treated as if it had this policy attached")', () => {
    const [r] = simulate({
      policyInputList: [doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' })],
      resourcePolicy: doc({ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'sts:AssumeRole', Resource: '*', Condition: { StringEquals: { 'sts:ExternalId': 'x' } } }),
      actionNames: ['sts:AssumeRole'],
      resourceArns: [ROLE],
      caller: ALICE,
    });
    expect(r!.EvalDecision).toBe('allowed');
  });
});
