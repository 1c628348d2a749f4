import { describe, expect, it } from 'vitest';
import { CreateRoleCommand, PutRolePolicyCommand, TagRoleCommand } from '@aws-sdk/client-iam';
import { useTessera, type TestTessera } from '../support/tessera.js';
import { authorize, decide } from '../../src/iam/authorize.js';
import type { Caller, SessionInfo } from '../../src/tokens/caller.js';
import { allow, doc, iam } from './policies/support.js';

let t: TestTessera;
let roleId: string;
useTessera(async (started) => {
  t = started;
  const c = iam(t.url, t.root);
  const trust = doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${t.accountId}:root` }, Action: 'sts:AssumeRole' }]);
  roleId = (await c.send(new CreateRoleCommand({ RoleName: 'worker', AssumeRolePolicyDocument: trust }))).Role!.RoleId!;
  await c.send(new PutRolePolicyCommand({ RoleName: 'worker', PolicyName: 'p', PolicyDocument: doc([allow('iam:List*'), allow('iam:GetRole', '*', { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } })]) }));
  await c.send(new TagRoleCommand({ RoleName: 'worker', Tags: [{ Key: 'team', Value: 'red' }] }));
});

const now = new Date();
function ctxFor(session: Partial<SessionInfo>) {
  const caller: Caller = {
    type: 'AssumedRole',
    accountId: t.accountId,
    arn: `arn:aws:sts::${t.accountId}:assumed-role/worker/s1`,
    userId: `${roleId}:s1`,
    accessKeyId: 'ASIAEXAMPLEEXAMPLE12',
    credential: 'temporary',
    principalId: roleId,
    principalArn: `arn:aws:iam::${t.accountId}:role/worker`,
    isRoot: false,
    session: { issuedBy: 'AssumeRole', roleId, roleName: 'worker', roleArn: `arn:aws:iam::${t.accountId}:role/worker`, sessionName: 's1', issuedAt: now, expiresAt: new Date(now.getTime() + 3600_000), sessionId: 'sid', ...session },
  };
  return { caller, services: t.services, audit: {} as Record<string, unknown>, req: { requestId: 'r', now, sourceIp: '10.0.0.1', userAgent: 'test', region: 'eu-west-1', secureTransport: true } };
}

describe('assumed-role sessions', () => {
  it("the role's policies apply; session policies intersect them", async () => {
    const plain = ctxFor({});
    await authorize(plain as never, 'iam:ListPolicies', '*');
    const scoped = ctxFor({ sessionPolicy: doc([allow(['iam:ListRoles', 'iam:CreateRole'])]) });
    await authorize(scoped as never, 'iam:ListRoles', '*');
    const e1 = await authorize(scoped as never, 'iam:ListPolicies', '*').catch((e) => e);
    expect(e1.message).toMatch(/^User: arn:aws:sts::\d{12}:assumed-role\/worker\/s1 is not authorized to perform: iam:ListPolicies on resource: \* because no session policy allows the iam:ListPolicies action/);
    expect(e1.detail).toMatchObject({ decision: 'implicitDeny', reason: 'session-implicit-deny', action: 'iam:ListPolicies' });
    // The session policy cannot grant more than the role has.
    const e2 = await authorize(scoped as never, 'iam:CreateRole', '*').catch((e) => e);
    expect(e2.message).toMatch(/because no identity-based policy allows the iam:CreateRole action/);
    // Managed session policies (PolicyArns).
    const managed = ctxFor({ policyArns: ['arn:aws:iam::aws:policy/IAMReadOnlyAccess'] });
    await authorize(managed as never, 'iam:ListRoles', '*');
  });

  it('context keys: session tags override role tags, MFA and token issue time for temporary credentials', async () => {
    const d = await decide(ctxFor({ tags: { team: 'blue' }, mfaAuthenticated: true, mfaAuthTime: new Date(now.getTime() - 120_000), sourceIdentity: 'alice' }) as never, 'iam:GetRole', '*');
    expect(d.decision).toBe('allowed');
    expect(d.context).toMatchObject({
      'aws:PrincipalTag/team': 'blue',
      'aws:PrincipalArn': `arn:aws:iam::${t.accountId}:role/worker`,
      'aws:PrincipalType': 'AssumedRole',
      'aws:userid': `${roleId}:s1`,
      'aws:MultiFactorAuthPresent': true,
      'aws:MultiFactorAuthAge': 120,
      'aws:SourceIdentity': 'alice',
      'aws:SourceIp': '10.0.0.1',
      'aws:RequestedRegion': 'eu-west-1',
      'aws:SecureTransport': true,
    });
    expect((await decide(ctxFor({}) as never, 'iam:GetRole', '*')).decision).toBe('implicitDeny');
  });
});
