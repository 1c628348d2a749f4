import { describe, expect, it } from 'vitest';
import type { FederatedIdentity } from '../../src/federation/connector.js';
import { evaluateFederatedTrust, federatedTrustRequest, type FederatedRequestFacts } from '../../src/trust/federated.js';

const PROVIDER = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
const ROLE = 'arn:aws:iam::123456789012:role/deploy';
const P = 'token.actions.githubusercontent.com';

const identity = (over: Partial<FederatedIdentity> = {}): FederatedIdentity => ({
  kind: 'oidc',
  providerArn: PROVIDER,
  keyPrefix: P,
  issuer: `https://${P}`,
  subject: 'repo:acme/api:ref:refs/heads/main',
  audience: 'sts.amazonaws.com',
  conditionKeys: { [`${P}:sub`]: 'repo:acme/api:ref:refs/heads/main', [`${P}:aud`]: 'sts.amazonaws.com', [`${P}:amr`]: ['authenticated'] },
  persistentKeys: {},
  session: {},
  tokenExpiresAt: new Date('2026-11-27T13:00:00Z'),
  ...over,
});

const facts = (over: Partial<FederatedRequestFacts> = {}): FederatedRequestFacts => ({
  roleArn: ROLE,
  sessionName: 'gha-123',
  now: new Date('2026-11-27T12:00:00Z'),
  sourceIp: '10.0.0.1',
  userAgent: 'aws-sdk-js',
  secureTransport: true,
  region: 'us-east-1',
  ...over,
});

const trust = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allow = (condition?: object, action: string | string[] = 'sts:AssumeRoleWithWebIdentity', principal = PROVIDER) => ({
  Effect: 'Allow',
  Principal: { Federated: principal },
  Action: action,
  ...(condition ? { Condition: condition } : {}),
});

const decide = (policy: string, id = identity(), f = facts()) => evaluateFederatedTrust(policy, federatedTrustRequest(id, f), f);

describe('federated trust (pure)', () => {
  it('builds the AWS request context', () => {
    const req = federatedTrustRequest(identity(), facts({ sourceIdentity: 'alice', tags: { team: 'a' }, transitiveTagKeys: ['team'] }));
    expect(req.principal).toMatchObject({ type: 'web-identity', federatedProvider: PROVIDER, accountId: '123456789012' });
    expect(req.action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(req.context).toMatchObject({
      [`${P}:sub`]: 'repo:acme/api:ref:refs/heads/main',
      'aws:FederatedProvider': PROVIDER,
      'sts:RoleSessionName': 'gha-123',
      'sts:SourceIdentity': 'alice',
      'aws:RequestTag/team': 'a',
      'aws:TagKeys': ['team'],
      'sts:TransitiveTagKeys': ['team'],
      'aws:CurrentTime': '2026-11-27T12:00:00Z',
      'aws:SourceIp': '10.0.0.1',
    });
  });

  it.each([
    ['no condition', trust([allow()]), true],
    ['StringLike sub on the repo', trust([allow({ StringLike: { [`${P}:sub`]: 'repo:acme/api:*' } })]), true],
    ['StringLike sub on another repo', trust([allow({ StringLike: { [`${P}:sub`]: 'repo:acme/web:*' } })]), false],
    ['aud and sub StringEquals', trust([allow({ StringEquals: { [`${P}:aud`]: 'sts.amazonaws.com', [`${P}:sub`]: 'repo:acme/api:ref:refs/heads/main' } })]), true],
    ['ForAnyValue amr', trust([allow({ 'ForAnyValue:StringEquals': { [`${P}:amr`]: 'authenticated' } })]), true],
    ['another provider', trust([allow(undefined, 'sts:AssumeRoleWithWebIdentity', 'arn:aws:iam::123456789012:oidc-provider/other')]), false],
    ['wrong action', trust([allow(undefined, 'sts:AssumeRoleWithSAML')]), false],
    ['explicit deny on session name', trust([allow(), { Effect: 'Deny', Principal: '*', Action: 'sts:*', Condition: { StringLike: { 'sts:RoleSessionName': 'gha-*' } } }]), false],
    ['AWS principal only', trust([{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRoleWithWebIdentity' }]), false],
  ])('%s → %s', (_n, policy, allowed) => {
    expect(decide(policy).allowed).toBe(allowed);
  });

  it('session tags also need sts:TagSession, a source identity sts:SetSourceIdentity', () => {
    const f = facts({ tags: { team: 'a' } });
    const no = decide(trust([allow()]), identity(), f);
    expect(no).toMatchObject({ allowed: false, deniedAction: 'sts:TagSession' });
    expect(decide(trust([allow(undefined, ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'])]), identity(), f).allowed).toBe(true);
    const si = facts({ sourceIdentity: 'alice' });
    expect(decide(trust([allow()]), identity(), si)).toMatchObject({ allowed: false, deniedAction: 'sts:SetSourceIdentity' });
  });

  it('SAML: saml:aud is the Recipient and attribute keys are multi-valued', () => {
    const samlProvider = 'arn:aws:iam::123456789012:saml-provider/Corp';
    const id = identity({
      kind: 'saml',
      providerArn: samlProvider,
      keyPrefix: 'saml',
      conditionKeys: { 'saml:aud': 'https://tessera.example/saml', 'saml:sub_type': 'persistent', 'saml:edupersonaffiliation': ['member', 'staff'] },
    });
    const policy = trust([
      {
        Effect: 'Allow',
        Principal: { Federated: samlProvider },
        Action: 'sts:AssumeRoleWithSAML',
        Condition: { StringEquals: { 'saml:aud': 'https://tessera.example/saml' }, 'ForAnyValue:StringEquals': { 'saml:edupersonaffiliation': 'staff' } },
      },
    ]);
    expect(decide(policy, id).allowed).toBe(true);
    expect(federatedTrustRequest(id, facts()).action).toBe('sts:AssumeRoleWithSAML');
  });
});
