import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../src/policy/index.js';
import { callerPolicies } from '../../src/iam/authorize.js';
import type { AuthedContext } from '../../src/protocols/operation.js';

/**
 * A session's managed session policies (PolicyArns) apply only when they are the session's own
 * account's or AWS managed: another tenant's policy is never loaded, so it neither grants
 * anything nor reveals that it exists or what it allows.
 */
describe('managed session policies stay within the tenant', () => {
  const ALLOW_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';
  function ctx(policyArns: string[], loaded: string[]) {
    const services = {
      policyCache: {
        forPrincipal: async () => ({ exists: true, identity: [], boundary: [], tags: {} }),
        managedPolicy: async (arn: string) => {
          loaded.push(arn);
          return compilePolicy(ALLOW_ALL, { kind: 'session', id: arn, sourceType: 'session' });
        },
      },
    };
    const caller = { accountId: '111111111111', principalId: 'AROAAAAAAAAAAAAAAAAAA', session: { issuedBy: 'AssumeRole', roleId: 'AROAAAAAAAAAAAAAAAAAA', policyArns } };
    return { caller, services } as unknown as Pick<AuthedContext, 'caller' | 'services'>;
  }

  it("another account's policy is not loaded; the session then allows nothing", async () => {
    const loaded: string[] = [];
    const r = await callerPolicies(ctx(['arn:aws:iam::222222222222:policy/theirs'], loaded));
    expect(loaded).toEqual([]);
    expect(r.session).toHaveLength(1);
    expect(r.session.map((p) => p.id)).toEqual(['session-policy']); // the deny-everything stand-in
  });

  it("the session's own account's and AWS managed policies are loaded", async () => {
    const loaded: string[] = [];
    const own = 'arn:aws:iam::111111111111:policy/mine';
    const aws = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    const r = await callerPolicies(ctx([own, aws, 'arn:aws:iam::222222222222:policy/theirs'], loaded));
    expect(loaded).toEqual([own, aws]);
    expect(r.session.map((p) => p.id)).toEqual([own, aws]);
  });
});
