/** Identity-bound principal entries (CompileOptions.principalIds) and rewriteAwsPrincipals: pure engine. */
import { describe, expect, it } from 'vitest';
import { compilePolicy, evaluateTrustPolicy, rewriteAwsPrincipals, type RequestPrincipal } from '../../src/policy/index.js';

const ACCT = '123456789012';
const ALICE = `arn:aws:iam::${ACCT}:user/alice`;
const SRC = `arn:aws:iam::${ACCT}:role/Src`;
const ROLE = `arn:aws:iam::${ACCT}:role/Target`;
const OLD_ALICE = 'AIDAAAAAAAAAAAAAAAAAA';
const NEW_ALICE = 'AIDABBBBBBBBBBBBBBBBB';
const OLD_SRC = 'AROAAAAAAAAAAAAAAAAAA';
const NEW_SRC = 'AROABBBBBBBBBBBBBBBBB';

const trust = (aws: string | string[], not = false) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', [not ? 'NotPrincipal' : 'Principal']: { AWS: aws }, Action: 'sts:AssumeRole' }] });

const alice = (id: string | undefined): RequestPrincipal => ({ arn: ALICE, accountId: ACCT, type: 'user', ...(id ? { principalId: id } : {}) });
const srcSession = (id: string): RequestPrincipal => ({ arn: `arn:aws:sts::${ACCT}:assumed-role/Src/s`, accountId: ACCT, type: 'role-session', roleArn: SRC, principalId: id });

const decide = (text: string, principalIds: Record<string, string> | undefined, principal: RequestPrincipal) =>
  evaluateTrustPolicy({
    trustPolicy: compilePolicy(text, { kind: 'trust', id: ROLE, ...(principalIds ? { principalIds } : {}) }),
    roleArn: ROLE,
    principal,
    identityPolicies: [],
  }).decision;

describe('principal entries bound to a unique id', () => {
  it('a user ARN bound to an id admits only the caller with that id', () => {
    const text = trust(ALICE);
    expect(decide(text, { [ALICE]: OLD_ALICE }, alice(OLD_ALICE))).toBe('allowed');
    expect(decide(text, { [ALICE]: OLD_ALICE }, alice(NEW_ALICE))).toBe('implicitDeny');
    expect(decide(text, { [ALICE]: OLD_ALICE }, alice(undefined))).toBe('implicitDeny');
    // Bound to nobody.
    expect(decide(text, { [ALICE]: '' }, alice(OLD_ALICE))).toBe('implicitDeny');
    // Unbound (policies that are not stored, e.g. simulations): by name, as before.
    expect(decide(text, undefined, alice(NEW_ALICE))).toBe('allowed');
  });

  it('a role ARN bound to an id admits only sessions of that role', () => {
    const text = trust(SRC);
    expect(decide(text, { [SRC]: OLD_SRC }, srcSession(OLD_SRC))).toBe('allowed');
    expect(decide(text, { [SRC]: OLD_SRC }, srcSession(NEW_SRC))).toBe('implicitDeny');
  });

  it('a unique-id entry (how IAM shows a deleted principal) matches that id only', () => {
    expect(decide(trust(OLD_ALICE), undefined, alice(OLD_ALICE))).toBe('allowed');
    expect(decide(trust(OLD_ALICE), undefined, alice(NEW_ALICE))).toBe('implicitDeny');
    expect(decide(trust(OLD_SRC), undefined, srcSession(NEW_SRC))).toBe('implicitDeny');
    // A federated user carries its parent's id but is not that user.
    expect(decide(trust(OLD_ALICE), undefined, { arn: `arn:aws:sts::${ACCT}:federated-user/f`, accountId: ACCT, type: 'federated-user', principalId: OLD_ALICE })).toBe('implicitDeny');
  });

  it('the same text bound to different ids compiles to different policies (the compile cache keys on the binding)', () => {
    const text = trust(ALICE);
    expect(decide(text, { [ALICE]: OLD_ALICE }, alice(NEW_ALICE))).toBe('implicitDeny');
    expect(decide(text, { [ALICE]: NEW_ALICE }, alice(NEW_ALICE))).toBe('allowed');
    expect(decide(text, { [ALICE]: OLD_ALICE }, alice(NEW_ALICE))).toBe('implicitDeny');
  });

  it('NotPrincipal: a bound entry excludes only the principal it was bound to', () => {
    const text = trust(ALICE, true);
    expect(decide(text, { [ALICE]: OLD_ALICE }, alice(OLD_ALICE))).toBe('implicitDeny');
  });
});

describe('rewriteAwsPrincipals', () => {
  it('replaces AWS principal values only, keeping the rest of the text byte for byte', () => {
    const text = `{"Version":"2012-10-17",\n  "Statement": [ {"Effect":"Allow", "Principal": {"AWS": [ "${ALICE}", "${ACCT}" ], "Service": "${ALICE}"},\n "Action":"sts:AssumeRole", "Condition": {"StringEquals": {"aws:PrincipalArn": "${ALICE}"}}} ]}`;
    const out = rewriteAwsPrincipals(text, (v) => (v === ALICE ? OLD_ALICE : undefined));
    expect(out).toBe(text.replace(`[ "${ALICE}"`, `[ "${OLD_ALICE}"`));
    expect(rewriteAwsPrincipals('not json', () => 'x')).toBe('not json');
  });
});
