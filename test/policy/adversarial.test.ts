/**
 * Hostile input: malformed JSON, deep nesting, huge documents, backtracking-prone patterns,
 * random mutations. Only MalformedPolicyDocument (or InvalidInput for a bad kind) may ever be
 * thrown; hostile-but-valid inputs evaluate to the right decision (timed in bench/policy-adversarial.ts).
 */
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/errors/index.js';
import { compilePolicy, evaluate, parsePolicy, type PolicyKind } from '../../src/policy/index.js';

const KINDS: PolicyKind[] = ['identity', 'resource', 'trust', 'scp', 'rcp', 'boundary', 'session'];

/** The text must be refused, and only with MalformedPolicyDocument. */
function expectOnlyMalformed(text: unknown, kind: PolicyKind = 'identity'): void {
  let parsed = false;
  try {
    parsePolicy(text as string, { kind });
    parsed = true;
  } catch (e) {
    expect(e).toBeInstanceOf(AwsError);
    expect((e as AwsError).code).toBe('MalformedPolicyDocument');
  }
  expect(parsed, `parsed as a valid ${kind} policy: ${String(text).slice(0, 200)}`).toBe(false);
}

/** Random edits may leave a valid policy: then it must parse; otherwise only MalformedPolicyDocument. Returns whether it parsed. */
function parsesOrMalformed(text: string, kind: PolicyKind): boolean {
  try {
    parsePolicy(text, { kind });
    return true;
  } catch (e) {
    expect(e).toBeInstanceOf(AwsError);
    expect((e as AwsError).code).toBe('MalformedPolicyDocument');
    return false;
  }
}

/** Deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const VALID = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'A', Effect: 'Allow', Action: ['s3:Get*', 'iam:List*'], Resource: 'arn:aws:s3:::b/${aws:username}/*', Condition: { StringLike: { 'aws:PrincipalTag/t': ['a*', 'b?'] }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } },
    { Effect: 'Deny', NotAction: 'iam:*', NotResource: ['arn:aws:s3:::x/*'], Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['k'] }, DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } } },
  ],
});

describe('adversarial parsing', () => {
  it.each([
    ['undefined', undefined], ['number', 42], ['object', {}], ['null', null], ['empty', ''], ['NUL bytes', '\u0000\u0000'],
    ['lone surrogate', '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:\ud800","Resource":"*"}}'],
    ['unicode escape garbage', '{"\\u12"}'], ['only a quote', '"'], ['unclosed array', '['], ['unclosed string key', '{"Ver'],
    ['number overflow', '{"Version":1e999999,"Statement":[]}'], ['minus alone', '-'], ['leading zeros', '{"Id":01}'],
    ['__proto__ keys', '{"__proto__":{"x":1},"Statement":[]}'],
    ['constructor key in statement', '{"Statement":{"constructor":1}}'],
  ])('%s', (_name, text) => {
    expectOnlyMalformed(text);
  });

  it('an unknown kind is InvalidInput', () => {
    expect(() => parsePolicy(VALID, { kind: 'bogus' as PolicyKind })).toThrow(expect.objectContaining({ code: 'InvalidInput' }));
  });

  it('deep nesting is rejected without exhausting the stack', () => {
    for (const open of ['[', '{"a":']) {
      expectOnlyMalformed(open.repeat(200_000));
    }
  });

  it('random mutations of a valid policy parse, or raise MalformedPolicyDocument and nothing else', () => {
    const rand = rng(1234);
    let valid = 0;
    const alphabet = '{}[]":,*?$\\ abcAllowDenyStatementAction0123456789:/-\u0000\u00ff';
    for (let i = 0; i < 3000; i++) {
      const chars = [...VALID];
      const edits = 1 + Math.floor(rand() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * chars.length);
        const op = rand();
        if (op < 0.33) chars.splice(at, 1);
        else if (op < 0.66) chars.splice(at, 0, alphabet[Math.floor(rand() * alphabet.length)] as string);
        else chars[at] = alphabet[Math.floor(rand() * alphabet.length)] as string;
      }
      const text = rand() < 0.1 ? chars.join('').slice(0, Math.floor(rand() * chars.length)) : chars.join('');
      const kind = KINDS[i % KINDS.length] as PolicyKind;
      if (!parsesOrMalformed(text, kind)) continue;
      valid++;
      // Whatever parses also compiles and evaluates, without throwing.
      const p = compilePolicy(text, { kind });
      const r = evaluate({ request: { principal: { arn: 'arn:aws:iam::111122223333:user/u' }, action: 's3:GetObject', resource: 'arn:aws:s3:::b/u/k', context: { 'aws:username': 'u' } }, identityPolicies: [p] });
      expect(['allowed', 'explicitDeny', 'implicitDeny']).toContain(r.decision);
    }
    // The seed is fixed: both outcomes occur (edits inside strings or names leave valid policies).
    expect(valid).toBeGreaterThan(0);
    expect(valid).toBeLessThan(3000);
  });

  it('random garbage only ever raises MalformedPolicyDocument', () => {
    const rand = rng(99);
    for (let i = 0; i < 2000; i++) {
      let s = '';
      const n = Math.floor(rand() * 64);
      for (let j = 0; j < n; j++) s += String.fromCharCode(Math.floor(rand() * 0x80));
      expectOnlyMalformed(s, KINDS[i % KINDS.length] as PolicyKind);
    }
  });
});

// Outcomes only: no wall-clock bound (a loaded machine makes any bound flaky). The same inputs are
// timed by `npm run bench -- policy-adversarial`; a matcher gone exponential shows up here as a
// hang (the test timeout).
describe('hostile sizes and patterns', () => {
  const principal = { arn: 'arn:aws:iam::111122223333:user/u' };

  it('a ~128 KB policy parses, compiles and evaluates', () => {
    const statements = [];
    let size = 64;
    for (let i = 0; ; i++) {
      const s = { Sid: `S${i}`, Effect: i % 7 === 0 ? 'Deny' : 'Allow', Action: [`svc${i % 50}:Get*`, `svc${i % 50}:Put${i}`], Resource: `arn:aws:s3:::bucket-${i}/*` };
      size += JSON.stringify(s).length + 1;
      if (size > 131_072) break;
      statements.push(s);
    }
    const text = JSON.stringify({ Version: '2012-10-17', Statement: statements });
    expect(text.length).toBeGreaterThan(120_000);
    const p = compilePolicy(text, { kind: 'identity' });
    expect(parsePolicy(text, { kind: 'identity' }).statements).toHaveLength(statements.length);
    expect(evaluate({ request: { principal, action: 'svc3:GetThing', resource: 'arn:aws:s3:::bucket-3/x' }, identityPolicies: [p] }).decision).toBe('allowed');
    expect(evaluate({ request: { principal, action: 'svc0:GetThing', resource: 'arn:aws:s3:::bucket-0/x' }, identityPolicies: [p] }).decision).toBe('explicitDeny');
  });

  const evil = `*${'a*'.repeat(40)}b`;
  const long = 'a'.repeat(128 * 1024);

  it('backtracking-prone Resource pattern against a long ARN', () => {
    const p = compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: `arn:aws:s3:::${evil}` } }), { kind: 'identity' });
    const r = evaluate({ request: { principal, action: 's3:GetObject', resource: `arn:aws:s3:::${long}` }, identityPolicies: [p] });
    expect(r.decision).toBe('implicitDeny');
    expect(evaluate({ request: { principal, action: 's3:GetObject', resource: `arn:aws:s3:::${long}b` }, identityPolicies: [p] }).decision).toBe('allowed');
  });

  it('backtracking-prone StringLike pattern against a long value', () => {
    const p = compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringLike: { 's3:prefix': [evil, `${evil}?`] } } } }), { kind: 'identity' });
    const r = evaluate({ request: { principal, action: 's3:ListBucket', resource: '*', context: { 's3:prefix': long } }, identityPolicies: [p] });
    expect(r.decision).toBe('implicitDeny');
  });

  it('question-mark-heavy segments against a long value', () => {
    const p = compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringLike: { 's3:prefix': `*${'?a'.repeat(50)}*b` } } } }), { kind: 'identity' });
    expect(evaluate({ request: { principal, action: 's3:ListBucket', resource: '*', context: { 's3:prefix': long } }, identityPolicies: [p] }).decision).toBe('implicitDeny');
  });

  it('backtracking-prone ArnLike pattern', () => {
    const p = compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${evil}` } } } }), { kind: 'identity' });
    expect(evaluate({ request: { principal, action: 's3:GetObject', resource: '*', context: { 'aws:SourceArn': `arn:aws:s3:::${long}` } }, identityPolicies: [p] }).decision).toBe('implicitDeny');
  });

  it('a long variable value in a wildcard pattern', () => {
    const p = compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::*${aws:username}*${aws:username}*b' } }), { kind: 'identity' });
    expect(evaluate({ request: { principal, action: 's3:GetObject', resource: `arn:aws:s3:::${long}`, context: { 'aws:username': 'a'.repeat(64) } }, identityPolicies: [p] }).decision).toBe('implicitDeny');
  });
});
